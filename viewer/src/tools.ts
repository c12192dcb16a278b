/**
 * The tool bar's tools: what a click on a cell sends.
 *
 * @example toolAction({ kind: 'place', proto: 'conveyor' }, 7, 2) // => { type: 'place', cell: 7, proto: 'conveyor', dir: 2 }
 */
import { PROTOTYPES } from '../../src/engine/content.ts'
import type { ViewerAction } from './wire.ts'

export type Tool = { kind: 'claim' } | { kind: 'move' } | { kind: 'remove' } | { kind: 'place'; proto: string }

/** Every tool, labelled: claim, move, remove, then one per structure prototype. */
export const TOOLS: ReadonlyArray<readonly [string, Tool]> = [
  ['claim', { kind: 'claim' }], ['move', { kind: 'move' }], ['remove', { kind: 'remove' }],
  ...PROTOTYPES.map((p) => [p.name, { kind: 'place', proto: p.name }] as const),
]

/** The action a click on `cell` sends with `tool` selected (`dir` 0..5 for placed structures). */
export function toolAction(tool: Tool, cell: number, dir: number): ViewerAction {
  if (!Number.isInteger(dir) || dir < 0 || dir > 5) throw new Error(`dir must be an integer from 0 to 5, got ${JSON.stringify(dir)}`)
  switch (tool.kind) {
    case 'claim': return { type: 'claim', cell }
    case 'move': return { type: 'move', cell }
    case 'remove': return { type: 'remove', cell }
    case 'place': return { type: 'place', cell, proto: tool.proto, dir }
  }
}

/** Whether two tools are the same button. @example sameTool({ kind: 'claim' }, { kind: 'claim' }) // => true */
export function sameTool(a: Tool, b: Tool): boolean {
  return a.kind === b.kind && (a.kind !== 'place' || (b.kind === 'place' && a.proto === b.proto))
}
