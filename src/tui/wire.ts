/**
 * Turns the daemon's wire payloads (docs/PROTOCOL.md) into the TUI's
 * view-model shapes. Tolerant by design: fields the TUI does not know are
 * ignored, missing ones stay undefined, and a cell field sent as a number
 * code instead of a name is shown by its code, so a newer daemon never breaks
 * an older terminal.
 *
 * @example
 * toCellView({ id: 9, terrain: 'grass', structure: '', owner: 0 }) // => { id: 9, terrain: 'grass' }
 */
import { ITEM_NAMES, KIND, PROTOTYPES, RECIPES, RES_NAMES, TERRAIN_NAMES } from '../engine/content.ts'
import type { CellView, PlayerView } from './types.ts'

type Raw = Record<string, unknown>

/** Name tables for fields sent as the engine's byte codes (src/engine/content.ts). */
const PROTO_NAMES: string[] = []
for (const p of PROTOTYPES) PROTO_NAMES[p.id] = p.name
/** Prototypes whose recipe plane holds a recipe id. */
const MACHINES = new Set(PROTOTYPES.filter((p) => p.kind === KIND.MACHINE).map((p) => p.name))
const RECIPE_NAMES: string[] = []
for (const r of RECIPES) RECIPE_NAMES[r.id] = r.name

/** A name from a name or a code (0 / '' / 'none' = absent; an unknown code shows as '#code'). */
const named = (v: unknown, table: readonly string[]): string | undefined =>
  typeof v === 'string' ? (v === '' || v === 'none' ? undefined : v)
    : typeof v === 'number' && Number.isFinite(v) ? (v === 0 ? undefined : table[v] ?? `#${v}`) : undefined
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined)

/**
 * One wire cell `{id, ...fields}` as a CellView. Accepts the engine's field
 * names and codes (`res`, `amt`, `struct`, numbers) as well as names
 * (`resource`, `amount`, `structure`, strings). A missing field is 0 (the
 * daemon sends only non-zero fields). Undefined without a valid id.
 */
export function toCellView(raw: Raw): CellView | undefined {
  const id = num(raw.id)
  if (id === undefined) return undefined
  const cell: CellView = { id, terrain: named(raw.terrain, TERRAIN_NAMES) ?? 'void' }
  const resource = named(raw.resource ?? raw.res, RES_NAMES)
  if (resource) { cell.resource = resource; cell.amount = num(raw.amount ?? raw.amt) ?? 0 }
  const structure = named(raw.structure ?? raw.struct, PROTO_NAMES)
  if (structure) {
    cell.structure = structure
    // The daemon leaves zero fields out of a cell: no dir means direction 0.
    cell.dir = num(raw.dir) ?? 0
    // The engine's recipe plane means: a machine's recipe, a storage's filter
    // item, a conveyor/splitter's input direction (not shown), else nothing.
    const table = structure === 'storage' ? ITEM_NAMES : MACHINES.has(structure) ? RECIPE_NAMES : undefined
    const recipe = table ? named(raw.recipe, table) : undefined
    if (recipe) cell.recipe = recipe
  }
  const item = named(raw.item, ITEM_NAMES)
  if (item) { cell.item = item; const count = num(raw.count); if (count) cell.count = count }
  for (const k of ['progress', 'power', 'stock'] as const) { const v = num(raw[k]); if (v) cell[k] = v }
  const owner = num(raw.owner)
  if (owner) cell.owner = owner
  return cell
}

/** All cells of a snapshot/diff payload `{chunks: [{id, cells: [...]}]}`. */
export function cellsOf(payload: Raw): CellView[] {
  const out: CellView[] = []
  const chunks = Array.isArray(payload.chunks) ? payload.chunks : []
  for (const ch of chunks as Raw[]) {
    if (!ch || !Array.isArray(ch.cells)) continue
    for (const c of ch.cells as Raw[]) {
      const v = c && typeof c === 'object' ? toCellView(c) : undefined
      if (v) out.push(v)
    }
  }
  return out
}

/** Chunk ids named by a snapshot/diff payload. */
export function chunkIdsOf(payload: Raw): number[] {
  const chunks = Array.isArray(payload.chunks) ? (payload.chunks as Raw[]) : []
  return chunks.map((c) => num(c?.id)).filter((x): x is number => x !== undefined)
}

/** A player record from REST (`/api/players`) or the `player` event. */
export function toPlayerView(raw: Raw, fallbackIndex: number): PlayerView | undefined {
  const id = raw.id === undefined ? undefined : String(raw.id)
  if (!id) return undefined
  return {
    id,
    index: num(raw.index) ?? (typeof raw.id === 'number' ? raw.id : fallbackIndex),
    name: typeof raw.name === 'string' ? raw.name : id,
    position: num(raw.cell) ?? num(raw.position) ?? 0,
    online: raw.online === undefined ? true : !!raw.online,
  }
}

/** An inventory object `{item: count}` with only positive integer counts. */
export function toInventory(raw: unknown): Record<string, number> {
  const out: Record<string, number> = {}
  if (raw && typeof raw === 'object' && !Array.isArray(raw)) {
    for (const [k, v] of Object.entries(raw as Raw)) if (typeof v === 'number' && v > 0) out[k] = v
  }
  return out
}

/**
 * Production figures from `GET /api/stats` (the daemon's analytics):
 * items produced in the world, items produced by player `me`, and `me`'s
 * accepted/rejected action counts (engine events of type `produced`).
 */
export function productionOf(stats: Raw, me: string | undefined): { world: Record<string, number>; mine: Record<string, number>; actions?: { accepted: number; rejected: number } } {
  const world: Record<string, number> = {}
  const mine: Record<string, number> = {}
  const pick = (byType: unknown): number => {
    const n = byType && typeof byType === 'object' ? (byType as Record<string, unknown>).produced : undefined
    return typeof n === 'number' ? n : 0
  }
  for (const [item, s] of Object.entries((stats.items ?? {}) as Record<string, Raw>)) {
    const n = pick(s?.totals)
    if (n > 0) world[item] = n
  }
  const p = me ? ((stats.players ?? {}) as Record<string, Raw>)[me] : undefined
  for (const [item, byType] of Object.entries((p?.items ?? {}) as Record<string, unknown>)) {
    const n = pick(byType)
    if (n > 0) mine[item] = n
  }
  const a = p?.actions as Raw | undefined
  const actions = a && typeof a.accepted === 'number' && typeof a.rejected === 'number' ? { accepted: a.accepted, rejected: a.rejected } : undefined
  return { world, mine, actions }
}
