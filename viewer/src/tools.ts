/**
 * The tool bar's tools: what a click on a cell does. Most send an action (claim, move, remove,
 * place a structure, rotate a structure one step); `recipe` opens the recipe menu for the cell;
 * `watch` subscribes to (or unsubscribes from) the clicked cell's chunk.
 *
 * @example
 * toolAction({ kind: 'place', proto: 'conveyor' }, 7, 2) // => { type: 'place', cell: 7, proto: 'conveyor', dir: 2 }
 * toolClick({ kind: 'rotate' }, 7, 0, { id: 7, struct: 2, dir: 5 }, 16) // => { kind: 'act', action: { type: 'rotate', cell: 7, dir: 0 } }
 */
import { cellToChunk } from '../../src/engine/chunks.ts'
import { PROTOTYPES } from '../../src/engine/content.ts'
import type { ViewerAction, WireCell } from './wire.ts'

export type Tool =
  | { kind: 'claim' } | { kind: 'move' } | { kind: 'remove' } | { kind: 'rotate' } | { kind: 'recipe' } | { kind: 'watch' }
  | { kind: 'place'; proto: string }

/** Every tool, labelled: claim, move, remove, rotate, recipe, watch, then one per structure prototype. */
export const TOOLS: ReadonlyArray<readonly [string, Tool]> = [
  ['claim', { kind: 'claim' }], ['move', { kind: 'move' }], ['remove', { kind: 'remove' }],
  ['rotate', { kind: 'rotate' }], ['recipe', { kind: 'recipe' }], ['watch', { kind: 'watch' }],
  ...PROTOTYPES.map((p) => [p.name, { kind: 'place', proto: p.name }] as const),
]

function checkDir(dir: number): void {
  if (!Number.isInteger(dir) || dir < 0 || dir > 5) throw new Error(`dir must be an integer from 0 to 5, got ${JSON.stringify(dir)}`)
}

/**
 * The action a click on `cell` sends with an action tool selected (`dir` 0..5 for placed and
 * rotated structures). Throws for `recipe` and `watch`, which send no action by themselves.
 */
export function toolAction(tool: Tool, cell: number, dir: number): ViewerAction {
  checkDir(dir)
  switch (tool.kind) {
    case 'claim': return { type: 'claim', cell }
    case 'move': return { type: 'move', cell }
    case 'remove': return { type: 'remove', cell }
    case 'rotate': return { type: 'rotate', cell, dir }
    case 'place': return { type: 'place', cell, proto: tool.proto, dir }
  }
  throw new Error(`the ${tool.kind} tool sends no action by itself`)
}

/** What a click does: send an action, open the recipe menu of a cell, or (un)watch a chunk. */
export type ClickEffect =
  | { kind: 'act'; action: ViewerAction }
  | { kind: 'menu'; cell: number }
  | { kind: 'watch'; chunk: number; on: boolean }

/**
 * What a click on `cell` does with `tool`. `shown` is the cell as drawn (for `rotate`: one step
 * on from its direction; a cell without a structure still sends, and the server says why not),
 * `size` the world's frequency, `watched` the chunks subscribed explicitly (a `watch` click
 * toggles the cell's chunk).
 */
export function toolClick(tool: Tool, cell: number, dir: number, shown: WireCell | undefined, size: number, watched: ReadonlySet<number> = new Set()): ClickEffect {
  switch (tool.kind) {
    case 'recipe': return { kind: 'menu', cell }
    case 'watch': {
      const { chunk } = cellToChunk(size, cell)
      return { kind: 'watch', chunk, on: !watched.has(chunk) }
    }
    case 'rotate': return { kind: 'act', action: toolAction(tool, cell, ((shown?.dir ?? 0) + 1) % 6) }
    default: return { kind: 'act', action: toolAction(tool, cell, dir) }
  }
}

/** Whether two tools are the same button. @example sameTool({ kind: 'claim' }, { kind: 'claim' }) // => true */
export function sameTool(a: Tool, b: Tool): boolean {
  return a.kind === b.kind && (a.kind !== 'place' || (b.kind === 'place' && a.proto === b.proto))
}
