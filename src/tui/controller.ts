/**
 * The TUI's interaction state and what each key command does to it. Pure:
 * `applyCommand` takes the state, the current map layout and the model, and
 * returns the next state plus, when the command acts on the world, the action
 * to send. The App sends it and shows a rejection's reason.
 *
 * @example
 * const { state, action } = applyCommand(s, 'place', ctx)
 * // action = { type: 'place', cell: s.cursor, proto: 'conveyor', dir: 0 }
 */
import type { Command } from './keys.ts'
import { screenStep, type LocalView, type V3 } from './layout.ts'
import type { ActionInput, Geo } from './types.ts'
import type { GameModel } from './model.ts'

export const PANELS = ['inventory', 'recipes', 'production', 'players'] as const
export type Panel = (typeof PANELS)[number]

export interface UiState {
  /** Cell at the centre of the map. */
  centre: number
  /** Selected cell. */
  cursor: number
  mode: 'map' | 'help' | 'recipes'
  /** Index into model.structures of the structure `place` puts down. */
  build: number
  /** Direction (0..5, the engine's neighbour index) new structures face. */
  dir: number
  /** Highlighted line of the recipe picker. */
  recipePick: number
  panel: Panel
  /** Screen-up direction carried from view to view while walking (undefined: north up). */
  heading?: V3
  /** Alternates NE/NW (SE/SW) on vertical walks so walking north goes straight. */
  zig: boolean
  quit?: boolean
}

export interface CommandContext {
  view: LocalView
  model: GameModel
  geo: Geo
}

export interface CommandOutcome {
  state: UiState
  action?: ActionInput
  /** A message to show without sending anything (e.g. "nothing to rotate here"). */
  notice?: string
}

/** Initial state centred on `cell`. */
export function initialUi(cell: number): UiState {
  return { centre: cell, cursor: cell, mode: 'map', build: 0, dir: 0, recipePick: 0, panel: 'inventory', zig: false }
}

/** Screen direction indices (SCREEN_DIRS) for cursor/walk commands. Up/down alternate NE/NW by row. */
function stepOnScreen(view: LocalView, from: number, which: 'e' | 'w' | 'n' | 's', count: number): number {
  let pos = view.where(from) ?? [view.centreRow, view.centreCol]
  let last = view.at(pos[0], pos[1])
  for (let i = 0; i < count; i++) {
    const [r, c] = pos
    let next: [number, number]
    if (which === 'e') next = [r, c + 1]
    else if (which === 'w') next = [r, c - 1]
    else {
      // Straight up/down on an offset grid zigzags between NE/NW (SE/SW) so the column holds.
      const odd = (r & 1) === 1
      next = which === 'n' ? screenStep(r, c, odd ? 1 : 2) : screenStep(r, c, odd ? 5 : 4)
    }
    // Skip empty slots (the gap at a pentagon) by taking one more step the same way.
    let id = view.at(next[0], next[1])
    if (id < 0) {
      const again: [number, number] = which === 'e' ? [next[0], next[1] + 1] : which === 'w' ? [next[0], next[1] - 1]
        : which === 'n' ? [next[0] - 1, next[1]] : [next[0] + 1, next[1]]
      id = view.at(again[0], again[1])
      next = again
    }
    if (id < 0) break
    pos = next
    last = id
  }
  return last
}

const WALK_FAR = 5

/** Screen coordinates of a slot (odd rows half a cell right, rows √3/2 apart). */
const screenXY = (r: number, c: number): [number, number] => [c + ((r & 1) ? 0.5 : 0), r * 0.866]

/**
 * Walks `count` sphere steps from `from` in a screen direction. Each step goes
 * to a true sphere neighbour: the one drawn at the wanted screen slot, or,
 * along a pentagon's seam where the screen slot holds a non-neighbour, the
 * neighbour drawn nearest to it.
 */
function walk(view: LocalView, geo: Geo, from: number, which: 'e' | 'w' | 'n' | 's', count: number, zig: boolean): { to: number; zig: boolean } {
  let cur = from
  for (let i = 0; i < count; i++) {
    const pos = view.where(cur)
    if (!pos) break
    const [r, c] = pos
    let target: [number, number]
    if (which === 'e') target = [r, c + 1]
    else if (which === 'w') target = [r, c - 1]
    else {
      target = which === 'n' ? screenStep(r, c, zig ? 1 : 2) : screenStep(r, c, zig ? 5 : 4)
      zig = !zig
    }
    const [tx, ty] = screenXY(target[0], target[1])
    let best = -1
    let bestD = Infinity
    for (const nb of geo.neighbors(cur)) {
      const p = view.where(nb)
      if (!p) continue
      const [x, y] = screenXY(p[0], p[1])
      const d = (x - tx) ** 2 + (y - ty) ** 2
      if (d < bestD) { bestD = d; best = nb }
    }
    if (best < 0) break
    cur = best
  }
  return { to: cur, zig }
}

/** Applies one key command. */
export function applyCommand(s: UiState, cmd: Command, ctx: CommandContext): CommandOutcome {
  const { view, model } = ctx
  if (cmd === 'quit') return { state: { ...s, quit: true } }
  if (s.mode === 'help') return { state: cmd === 'help' || cmd === 'cancel' || cmd === 'confirm' ? { ...s, mode: 'map' } : s }
  if (s.mode === 'recipes') return recipeMode(s, cmd, ctx)

  const structures = model.structures
  switch (cmd) {
    case 'help': return { state: { ...s, mode: 'help' } }
    case 'cancel': return { state: s }
    case 'cursor-e': case 'cursor-w': case 'cursor-n': case 'cursor-s':
      return { state: { ...s, cursor: stepOnScreen(view, s.cursor, cmd.slice(7) as 'e', 1) } }
    case 'walk-e': case 'walk-w': case 'walk-n': case 'walk-s':
    case 'walk-far-e': case 'walk-far-w': case 'walk-far-n': case 'walk-far-s': {
      const far = cmd.startsWith('walk-far')
      const { to, zig } = walk(view, ctx.geo, view.centre, cmd.slice(-1) as 'e', far ? WALK_FAR : 1, s.zig)
      if (to === view.centre) return { state: s }
      return { state: { ...s, centre: to, cursor: to, zig, heading: view.heading }, action: { type: 'move', cell: to } }
    }
    case 'goto-cursor':
      if (s.cursor === s.centre) return { state: s }
      return { state: { ...s, centre: s.cursor, heading: view.heading }, action: { type: 'move', cell: s.cursor } }
    case 'home': {
      const me = model.me
      return me ? { state: { ...s, centre: me.position, cursor: me.position, heading: undefined } } : { state: s, notice: 'not joined yet' }
    }
    case 'place': {
      const kind = structures[s.build]
      if (!kind) return { state: s, notice: 'no structure to place (the daemon has not sent the list yet)' }
      return { state: s, action: { type: 'place', cell: s.cursor, proto: kind, dir: s.dir } }
    }
    case 'remove':
      if (!model.cells.get(s.cursor)?.structure) return { state: s, notice: 'nothing to remove here' }
      return { state: s, action: { type: 'remove', cell: s.cursor } }
    case 'rotate': {
      const cell = model.cells.get(s.cursor)
      if (!cell?.structure) return { state: s, notice: 'nothing to rotate here (R turns new structures)' }
      // One step round its neighbours (5 at a pentagon), as the engine numbers directions.
      const dirs = ctx.geo.neighbors(s.cursor).length
      return { state: s, action: { type: 'rotate', cell: s.cursor, dir: ((cell.dir ?? 0) + 1) % dirs } }
    }
    case 'dir-next': return { state: { ...s, dir: (s.dir + 1) % 6 } }
    case 'claim': return { state: s, action: { type: 'claim', cell: s.cursor } }
    case 'recipe': {
      const cell = model.cells.get(s.cursor)
      if (!cell?.structure) return { state: s, notice: 'no machine here to set a recipe on' }
      const options = recipesFor(model, cell.structure)
      if (options.length === 0) return { state: s, notice: `a ${cell.structure} has no recipes` }
      const current = Math.max(0, options.findIndex((r) => r.name === cell.recipe))
      return { state: { ...s, mode: 'recipes', recipePick: current } }
    }
    case 'build-next': case 'build-prev': {
      if (structures.length === 0) return { state: s }
      const d = cmd === 'build-next' ? 1 : structures.length - 1
      return { state: { ...s, build: (s.build + d) % structures.length } }
    }
    case 'panel-next': return { state: { ...s, panel: PANELS[(PANELS.indexOf(s.panel) + 1) % PANELS.length]! } }
    case 'confirm': return { state: s }
    default: {
      if (cmd.startsWith('build-')) {
        const n = Number(cmd.slice(6)) - 1
        if (n < structures.length) return { state: { ...s, build: n } }
        return { state: s, notice: `there is no structure ${n + 1}` }
      }
      return { state: s }
    }
  }
}

/** Recipes a machine kind can run (all recipes when the daemon does not say which machine). */
export function recipesFor(model: GameModel, machine: string) {
  const own = model.recipes.filter((r) => r.machine === machine)
  return own
}

function recipeMode(s: UiState, cmd: Command, ctx: CommandContext): CommandOutcome {
  const cell = ctx.model.cells.get(s.cursor)
  const options = cell?.structure ? recipesFor(ctx.model, cell.structure) : []
  if (cmd === 'cancel' || cmd === 'recipe' || options.length === 0) return { state: { ...s, mode: 'map' } }
  if (cmd === 'cursor-n') return { state: { ...s, recipePick: (s.recipePick + options.length - 1) % options.length } }
  if (cmd === 'cursor-s') return { state: { ...s, recipePick: (s.recipePick + 1) % options.length } }
  if (cmd === 'confirm' || cmd === 'place') {
    const r = options[s.recipePick]!
    return { state: { ...s, mode: 'map' }, action: { type: 'set_recipe', cell: s.cursor, recipe: r.name } }
  }
  if (cmd === 'help') return { state: { ...s, mode: 'help' } }
  return { state: s }
}
