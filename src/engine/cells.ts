/**
 * One cell's fields as a plain object (what the API, diffs and actions use),
 * and reading/writing it at a slot position. Writes go to both copies of the
 * slot, so an action applied between ticks is seen whichever copy is current.
 */
import type { Planes, SlotView } from './slot.ts'

/** Every field of a cell (docs/RULES.md describes each). */
export interface CellFields {
  terrain: number
  res: number
  amt: number
  struct: number
  dir: number
  item: number
  count: number
  progress: number
  recipe: number
  inA: number
  inB: number
  power: number
  owner: number
  stock: number
}

/** A cell's id and fields. */
export interface CellState extends CellFields { id: number }

export const FIELD_NAMES = ['terrain', 'res', 'amt', 'struct', 'dir', 'item', 'count', 'progress', 'recipe', 'inA', 'inB', 'power', 'owner', 'stock'] as const

/** Reads the fields at slot position q of one copy. */
export function readFields(p: Planes, q: number): CellFields {
  return {
    terrain: p.terrain[q], res: p.res[q], amt: p.amt[q], struct: p.struct[q], dir: p.dir[q], item: p.item[q],
    count: p.count[q], progress: p.progress[q], recipe: p.recipe[q], inA: p.inA[q], inB: p.inB[q],
    power: p.power[q], owner: p.owner[q], stock: p.stock[q],
  }
}

/**
 * A cell's id and fields at slot position q: `{ id, ...readFields(p, q) }` built as one object
 * (with the keys in that order), not two. Action validation reads a cell or more per action.
 */
export function readCell(p: Planes, q: number, id: number): CellState {
  return {
    id, terrain: p.terrain[q], res: p.res[q], amt: p.amt[q], struct: p.struct[q], dir: p.dir[q], item: p.item[q],
    count: p.count[q], progress: p.progress[q], recipe: p.recipe[q], inA: p.inA[q], inB: p.inB[q],
    power: p.power[q], owner: p.owner[q], stock: p.stock[q],
  }
}

/** Writes the given fields at slot position q into both copies of a slot. */
export function writeFields(sv: SlotView, q: number, f: Partial<CellFields>): void {
  for (const p of sv.copies) {
    for (const k of FIELD_NAMES) {
      const v = f[k]
      if (v !== undefined) (p[k] as Uint8Array | Uint16Array)[q] = v
    }
  }
}

/** The structure fields cleared when a structure is removed. */
export const CLEARED_STRUCTURE: Partial<CellFields> = { struct: 0, dir: 0, item: 0, count: 0, progress: 0, recipe: 0, inA: 0, inB: 0, power: 0, stock: 0 }
