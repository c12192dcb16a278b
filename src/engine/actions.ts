/**
 * Actions: validation and application, one at a time in the given order at a
 * tick boundary. An action is checked completely before anything is written,
 * so a rejected action changes nothing; the result says why, with an error
 * code from src/errors.ts and a sentence a person can read.
 *
 * Ownership: a cell has an optional owner (player index). A player may change
 * what it owns, and unowned cells that are within REACH steps of its position
 * or adjacent to a cell it owns. Placing on an unowned cell claims it.
 */
import type { ErrorCode } from '../errors.ts'
import { checkCell, isPentagon, neighborsInto } from './geometry.ts'
import { ITEM, ITEM_NAMES, KIND, PROTOTYPES, RECIPES, TERRAIN, prototypeByName, prototypeById, recipeByName, type ItemName } from './content.ts'
import { CLEARED_STRUCTURE, type CellFields, type CellState } from './cells.ts'
import { MAX_PLAYERS, Players, type PlayerRec } from './players.ts'

/** Steps from its position within which a player may act on unowned cells. */
export const REACH = 8
/** Most steps one move action may cover. */
export const MOVE_RANGE = 16

/** An action, as every transport delivers it (JSON). */
export type Action =
  | { type: 'join'; player: string; name?: string; cell?: number }
  | { type: 'leave'; player: string }
  | { type: 'move'; player: string; cell: number }
  | { type: 'claim'; player: string; cell: number }
  | { type: 'place'; player: string; cell: number; proto: string; dir?: number; input?: number; recipe?: string }
  | { type: 'remove'; player: string; cell: number }
  | { type: 'rotate'; player: string; cell: number; dir: number; input?: number }
  | { type: 'set_recipe'; player: string; cell: number; recipe: string }

export const ACTION_TYPES = ['join', 'leave', 'move', 'claim', 'place', 'remove', 'rotate', 'set_recipe'] as const

/** The outcome of one action. */
export type ActionResult = { ok: true; tick: number } | { ok: false; code: ErrorCode; reason: string; field?: string }

/** What applying actions needs from the world. */
export interface ActionHost {
  readonly n: number
  readonly players: Players
  /** Reads a valid cell (loading its chunk if needed). */
  read(id: number): CellState
  /** A valid cell's owner: `read(id).owner` without building the cell. */
  owner(id: number): number
  /** Writes fields of a valid cell. */
  write(id: number, f: Partial<CellFields>): void
  /** Default spawn cell of the player with this index. */
  spawnCell(index: number): number
}

/**
 * A rejection thrown out of validation. Deliberately not an `Error`: under load most actions of a
 * busy tick can be rejected (a cell already taken), and capturing a stack trace for each one cost
 * ~4 % of the daemon's CPU. Only `applyAction` catches it, so a stack would never be read.
 */
class Reject {
  constructor(readonly code: ErrorCode, readonly reason: string, readonly field?: string) {}
}
const reject = (code: ErrorCode, reason: string, field?: string): never => { throw new Reject(code, reason, field) }
/**
 * The same rejection, returned instead of thrown: validation returns it on the paths a busy tick
 * takes often (a cell already taken or owned by another player). A throw there cost ~1.5 µs per
 * action in V8 — most of a tick's action time with a thousand rejected claims — against ~0.1 µs
 * for a returned object. The helpers for malformed input (cellField, dirField, recipeFor) still throw.
 */
const fail = (code: ErrorCode, reason: string, field?: string): Reject => new Reject(code, reason, field)
/** What validation gives: the function that applies the action, or why it is rejected. */
type Plan = (() => void) | Reject

/**
 * Validates and applies one action. Never throws for bad input: returns
 * { ok: false, code, reason } and leaves the world untouched.
 * @example applyAction(host, { type: 'claim', player: 'p1', cell: 1234 }, 7) // { ok: true, tick: 7 }
 */
export function applyAction(host: ActionHost, raw: unknown, tick: number): ActionResult {
  let plan: Plan
  try {
    plan = validate(host, raw)
  } catch (err) {
    if (err instanceof Reject) plan = err
    else throw err
  }
  if (plan instanceof Reject) {
    // Two literals rather than a spread: a busy tick builds a thousand of these.
    return plan.field ? { ok: false, code: plan.code, reason: plan.reason, field: plan.field } : { ok: false, code: plan.code, reason: plan.reason }
  }
  plan()
  // Any accepted action may have changed a player record (position, inventory, online).
  host.players.changed()
  return { ok: true, tick }
}

/** Checks an action completely; returns the function that applies it. */
function validate(host: ActionHost, raw: unknown): Plan {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return fail('HEXD_BAD_ACTION', `an action must be a JSON object, got ${JSON.stringify(raw)}`)
  const a = raw as Record<string, unknown>
  if (typeof a.type !== 'string' || !(ACTION_TYPES as readonly string[]).includes(a.type)) {
    return fail('HEXD_BAD_ACTION', `action type must be one of ${ACTION_TYPES.join(', ')}, got ${JSON.stringify(a.type)}`, 'type')
  }
  if (typeof a.player !== 'string' || a.player.length === 0 || a.player.length > 128) {
    return fail('HEXD_BAD_ACTION', `player must be a non-empty string of at most 128 characters, got ${JSON.stringify(a.player)}`, 'player')
  }
  const pid = a.player as string
  if (a.type === 'join') return validateJoin(host, a, pid)
  const p = host.players.get(pid)
  if (!p || !p.online) return fail('HEXD_UNKNOWN_PLAYER', `player ${JSON.stringify(pid)} has not joined the world`, 'player')
  const player = p as PlayerRec
  if (a.type === 'leave') return () => { player.online = false }
  const cell = cellField(host, a.cell)
  switch (a.type) {
    case 'move': {
      if (!within(host.n, player.cell, cell, MOVE_RANGE)) return fail('HEXD_OUT_OF_REACH', `cell ${cell} is more than ${MOVE_RANGE} steps from player ${pid}'s position ${player.cell}`, 'cell')
      return () => { player.cell = cell }
    }
    case 'claim': {
      const c = host.read(cell)
      if (c.terrain === TERRAIN.VOID) return fail('HEXD_BAD_CELL', `cell ${cell} is not part of the world`, 'cell')
      if (c.owner === player.index) return fail('HEXD_BAD_ACTION', `cell ${cell} already belongs to player ${pid}`, 'cell')
      { const no = mayModify(host, player, cell, c); if (no) return no }
      return () => host.write(cell, { owner: player.index })
    }
    case 'place': return validatePlace(host, player, a, cell)
    case 'remove': {
      const c = host.read(cell)
      if (c.struct === 0) return fail('HEXD_NO_STRUCTURE', `cell ${cell} holds no structure to remove`, 'cell')
      { const no = mayModify(host, player, cell, c); if (no) return no }
      return () => {
        // The structure's items go to the player's inventory (a generator's fuel is lost: it mixes coal and biomass).
        if (c.count > 0 && c.item > 0) player.inv[c.item] += c.count
        const kind = prototypeById(c.struct)?.kind
        if (kind === KIND.STORAGE && c.stock > 0 && c.recipe > 0) player.inv[c.recipe] += c.stock
        const r = kind === KIND.MACHINE ? RECIPES.find((x) => x.id === c.recipe) : undefined
        if (r) { player.inv[r.a] += c.inA; if (r.b) player.inv[r.b] += c.inB }
        host.write(cell, CLEARED_STRUCTURE)
      }
    }
    case 'rotate': {
      const c = host.read(cell)
      const kind = prototypeById(c.struct)?.kind ?? KIND.NONE
      if (!DIRECTIONAL.has(kind)) return fail('HEXD_NO_STRUCTURE', `cell ${cell} holds no structure with a direction to rotate`, 'cell')
      { const no = mayModify(host, player, cell, c); if (no) return no }
      const dir = dirField(a.dir, 'dir')
      const input = kind === KIND.CONVEYOR || kind === KIND.SPLITTER ? (a.input === undefined ? (dir + 3) % 6 : dirField(a.input, 'input')) : c.recipe
      return () => host.write(cell, { dir, recipe: input })
    }
    case 'set_recipe': return validateSetRecipe(host, player, a, cell)
  }
  return fail('HEXD_BAD_ACTION', `unhandled action type ${String(a.type)}`)
}

const DIRECTIONAL = new Set<number>([KIND.EXTRACTOR, KIND.CONVEYOR, KIND.SPLITTER, KIND.MACHINE])

function validateJoin(host: ActionHost, a: Record<string, unknown>, pid: string): Plan {
  const existing = host.players.get(pid)
  if (existing?.online) return fail('HEXD_PLAYER_EXISTS', `player ${JSON.stringify(pid)} is already online`, 'player')
  if (a.name !== undefined && (typeof a.name !== 'string' || a.name.length === 0 || a.name.length > 64)) {
    return fail('HEXD_BAD_ACTION', `name must be a string of 1 to 64 characters, got ${JSON.stringify(a.name)}`, 'name')
  }
  const cell = a.cell === undefined ? undefined : cellField(host, a.cell)
  if (!existing && host.players.size >= MAX_PLAYERS) return fail('HEXD_BAD_ACTION', `the world is full (${MAX_PLAYERS} players)`, 'player')
  return () => {
    if (existing) {
      existing.online = true
      if (a.name !== undefined) existing.name = a.name as string
      if (cell !== undefined) existing.cell = cell
    } else {
      const index = host.players.size + 1
      host.players.add(pid, (a.name as string | undefined) ?? pid, cell ?? host.spawnCell(index))
    }
  }
}

function validatePlace(host: ActionHost, player: PlayerRec, a: Record<string, unknown>, cell: number): Plan {
  if (typeof a.proto !== 'string') return fail('HEXD_BAD_ACTION', `proto must be one of ${PROTOTYPES.map((p) => p.name).join(', ')}, got ${JSON.stringify(a.proto)}`, 'proto')
  const proto = prototypeByName(a.proto as string)
  if (!proto) return fail('HEXD_BAD_ACTION', `proto must be one of ${PROTOTYPES.map((p) => p.name).join(', ')}, got ${JSON.stringify(a.proto)}`, 'proto')
  const pr = proto!
  const dir = a.dir === undefined ? 0 : dirField(a.dir, 'dir')
  const c = host.read(cell)
  if (c.struct !== 0) return fail('HEXD_CELL_OCCUPIED', `cell ${cell} already holds a ${prototypeById(c.struct)?.name ?? 'structure'}`, 'cell')
  if (c.terrain === TERRAIN.VOID || c.terrain === TERRAIN.WATER || c.terrain === TERRAIN.ICE) {
    return fail('HEXD_UNBUILDABLE', `cannot build on ${['void', 'water', '', '', '', '', 'ice'][c.terrain]} (cell ${cell})`, 'cell')
  }
  if (cell < 2 || isPentagon(host.n, cell)) return fail('HEXD_UNBUILDABLE', `cannot build on a pentagon or pole cell (cell ${cell})`, 'cell')
  if (pr.kind === KIND.EXTRACTOR && (c.res === 0 || c.amt === 0)) return fail('HEXD_UNBUILDABLE', `an extractor needs a resource under it; cell ${cell} has none`, 'cell')
  { const no = mayModify(host, player, cell, c); if (no) return no }
  let recipe = 0
  if (pr.kind === KIND.CONVEYOR || pr.kind === KIND.SPLITTER) recipe = a.input === undefined ? (dir + 3) % 6 : dirField(a.input, 'input')
  else if (a.recipe !== undefined) {
    if (pr.kind !== KIND.MACHINE && pr.kind !== KIND.STORAGE) return fail('HEXD_BAD_ACTION', `a ${pr.name} takes no recipe, got recipe ${JSON.stringify(a.recipe)}`, 'recipe')
    recipe = recipeFor(pr.id, a.recipe)
  }
  return () => host.write(cell, { ...CLEARED_STRUCTURE, struct: pr.id, dir, recipe, owner: player.index })
}

function validateSetRecipe(host: ActionHost, player: PlayerRec, a: Record<string, unknown>, cell: number): Plan {
  const c = host.read(cell)
  const pr = prototypeById(c.struct)
  if (!pr || (pr.kind !== KIND.MACHINE && pr.kind !== KIND.STORAGE)) return fail('HEXD_NO_STRUCTURE', `cell ${cell} holds no machine or storage to set a recipe on`, 'cell')
  { const no = mayModify(host, player, cell, c); if (no) return no }
  const recipe = recipeFor(pr!.id, a.recipe)
  if (pr!.kind === KIND.STORAGE) {
    if (c.stock > 0 && recipe !== c.recipe) return fail('HEXD_BAD_ACTION', `storage at cell ${cell} still holds ${c.stock} ${ITEM_NAMES[c.recipe]}; remove it first`, 'recipe')
    return () => host.write(cell, { recipe })
  }
  return () => {
    // Changing the recipe returns the machine's buffers to the player.
    if (c.recipe !== recipe) {
      const old = RECIPES.find((r) => r.id === c.recipe)
      if (old) { player.inv[old.a] += c.inA; if (old.b) player.inv[old.b] += c.inB }
      if (c.count > 0 && c.item > 0) player.inv[c.item] += c.count
      host.write(cell, { recipe, inA: 0, inB: 0, progress: 0, count: 0, item: 0 })
    }
  }
}

/** Recipe id for a machine prototype, or item id (filter) for storage. */
function recipeFor(protoId: number, value: unknown): number {
  const pr = prototypeById(protoId)!
  if (pr.kind === KIND.STORAGE) {
    if (typeof value !== 'string' || !(value in ITEM) || value === 'none') reject('HEXD_BAD_ACTION', `a storage filter must be an item name (${ITEM_NAMES.slice(1).join(', ')}), got ${JSON.stringify(value)}`, 'recipe')
    return ITEM[value as ItemName]
  }
  const names = RECIPES.filter((r) => r.category === pr.category).map((r) => r.name)
  const r = typeof value === 'string' ? recipeByName(value) : undefined
  if (!r || r.category !== pr.category) reject('HEXD_BAD_ACTION', `a ${pr.name} recipe must be one of ${names.join(', ')}, got ${JSON.stringify(value)}`, 'recipe')
  return r!.id
}

function cellField(host: ActionHost, v: unknown): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v)) reject('HEXD_BAD_CELL', `cell must be an integer cell id, got ${JSON.stringify(v)}`, 'cell')
  try {
    checkCell(host.n, v as number)
  } catch {
    reject('HEXD_BAD_CELL', `cell must be a cell id from 0 to ${10 * host.n * host.n + 1}, got ${JSON.stringify(v)}`, 'cell')
  }
  return v as number
}

function dirField(v: unknown, field: string): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > 5) reject('HEXD_BAD_ACTION', `${field} must be a direction 0..5, got ${JSON.stringify(v)}`, field)
  return v as number
}

/** Why `player` may not change `cell` (see file header), or undefined when it may. */
function mayModify(host: ActionHost, player: PlayerRec, cell: number, c: CellState): Reject | undefined {
  if (c.owner === player.index) return
  if (c.owner !== 0) {
    const other = host.players.byIndex(c.owner)
    return fail('HEXD_NOT_OWNER', `cell ${cell} belongs to player ${JSON.stringify(other?.id ?? c.owner)}`, 'cell')
  }
  if (within(host.n, player.cell, cell, REACH)) return
  const nb: number[] = []
  const k = neighborsInto(host.n, cell, nb)
  for (let m = 0; m < k; m++) if (host.owner(nb[m]) === player.index) return
  return fail('HEXD_OUT_OF_REACH', `cell ${cell} is more than ${REACH} steps from player ${JSON.stringify(player.id)} and not next to its territory`, 'cell')
}

/** True when `to` is at most `steps` neighbour steps from `from` (BFS). */
export function within(n: number, from: number, to: number, steps: number): boolean {
  if (from === to) return true
  let frontier = [from]
  const seen = new Set<number>([from])
  const nb: number[] = []
  for (let s = 0; s < steps; s++) {
    const next: number[] = []
    for (const c of frontier) {
      const k = neighborsInto(n, c, nb)
      for (let m = 0; m < k; m++) {
        const x = nb[m]
        if (x === to) return true
        if (!seen.has(x)) { seen.add(x); next.push(x) }
      }
    }
    frontier = next
  }
  return false
}
