/**
 * The tool bar's tools: what a click on a cell does. Most send an action (claim, move, remove,
 * place a structure (a machine or storage with a recipe or filter chosen beforehand), rotate a
 * structure one step, turn a belt's input one step); `recipe` opens the recipe menu for the
 * cell; `watch` subscribes to (or unsubscribes from) the clicked cell's chunk.
 *
 * @example
 * toolAction({ kind: 'place', proto: 'conveyor' }, 7, 2) // => { type: 'place', cell: 7, proto: 'conveyor', dir: 2 }
 * toolClick({ kind: 'rotate' }, 7, 0, { id: 7, struct: 2, dir: 5 }, 16) // => { kind: 'act', action: { type: 'rotate', cell: 7, dir: 0 } }
 * toolClick({ kind: 'input' }, 7, 0, { id: 7, struct: 2, dir: 5, recipe: 2 }, 16) // => { kind: 'act', action: { type: 'rotate', cell: 7, dir: 5, input: 3 } }
 */
import { cellToChunk } from '../../src/engine/chunks.ts'
import { PROTOTYPES } from '../../src/engine/content.ts'
import type { ViewerAction, WireCell } from './wire.ts'

export type Tool =
  | { kind: 'claim' } | { kind: 'move' } | { kind: 'remove' } | { kind: 'rotate' } | { kind: 'input' } | { kind: 'recipe' } | { kind: 'watch' }
  /** `recipe`: a machine's recipe or a storage's filter to place it with (the `place` action's `recipe`). */
  | { kind: 'place'; proto: string; recipe?: string }

/** Every tool, labelled: claim, move, remove, rotate, input, recipe, watch, then one per structure prototype. */
export const TOOLS: ReadonlyArray<readonly [string, Tool]> = [
  ['claim', { kind: 'claim' }], ['move', { kind: 'move' }], ['remove', { kind: 'remove' }],
  ['rotate', { kind: 'rotate' }], ['input', { kind: 'input' }], ['recipe', { kind: 'recipe' }], ['watch', { kind: 'watch' }],
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
    case 'place': return tool.recipe ? { type: 'place', cell, proto: tool.proto, dir, recipe: tool.recipe } : { type: 'place', cell, proto: tool.proto, dir }
  }
  throw new Error(`the ${tool.kind} tool sends no action by itself`)
}

/**
 * The input a belt gets from the `input` tool: one step on from `input`, skipping `dir` (a
 * belt fed from the cell it pushes into would only pass items back and forth).
 * @example nextInput(2, 3) // => 4
 */
export function nextInput(dir: number, input: number): number {
  const next = (input + 1) % 6
  return next === dir ? (next + 1) % 6 : next
}

/** What a click does: send an action, open the recipe menu of a cell, or (un)watch a chunk. */
export type ClickEffect =
  | { kind: 'act'; action: ViewerAction }
  | { kind: 'menu'; cell: number }
  | { kind: 'watch'; chunk: number; on: boolean }

/**
 * What a click on `cell` does with `tool`. `shown` is the cell as drawn: `rotate` turns it one
 * step on from its direction, `input` keeps its direction and sends the next input
 * ({@link nextInput}); a cell without a structure (or, for `input`, a structure that is not a
 * belt) still sends, and the server says why not (or, for a machine, ignores the input).
 * `size` is the world's frequency, `watched` the chunks subscribed explicitly (a `watch` click
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
    // A rotate that keeps the direction and turns the input: the engine's `rotate` takes both.
    case 'input': {
      const d = shown?.dir ?? 0
      return { kind: 'act', action: { type: 'rotate', cell, dir: d, input: nextInput(d, shown?.recipe ?? 0) } }
    }
    default: return { kind: 'act', action: toolAction(tool, cell, dir) }
  }
}

/** Whether two tools are the same button. @example sameTool({ kind: 'claim' }, { kind: 'claim' }) // => true */
export function sameTool(a: Tool, b: Tool): boolean {
  return a.kind === b.kind && (a.kind !== 'place' || (b.kind === 'place' && a.proto === b.proto))
}
