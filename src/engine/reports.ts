/**
 * Read-only reports over the chunk manager's slots: the per-chunk diffs of
 * the last step, production counters and storage contents. The World exposes
 * them; they only read the buffer.
 */
import { cellToChunk } from './chunks.ts'
import { readFields, type CellState } from './cells.ts'
import { ITEM_NAMES, KIND, PROTO_KIND } from './content.ts'
import { AREA, P8_COUNT, PROD_COUNTERS, SH, pos } from './layout.ts'
import type { ChunkSet } from './chunkset.ts'
import type { Planes } from './slot.ts'

/** The cells of one chunk that changed in the last step. */
export interface ChunkDiff { chunk: number; cells: CellState[] }

/**
 * Cells changed by the last tick (current vs previous copy of each changed
 * slot, every plane) plus cells written by actions, grouped by chunk, both
 * ascending, with their new fields.
 */
export function chunkDiffs(cs: ChunkSet, n: number, changedSlots: readonly number[], touched: readonly number[]): ChunkDiff[] {
  const byChunk = new Map<number, Map<number, CellState>>()
  const add = (chunk: number, id: number, p: Planes, q: number): void => {
    let m = byChunk.get(chunk)
    if (!m) byChunk.set(chunk, (m = new Map()))
    m.set(id, { id, ...readFields(p, q) })
  }
  for (const s of changedSlots) {
    const sv = cs.slots[s]
    if (!sv) continue
    const cur = sv.copies[cs.cur], prev = sv.copies[cs.cur ^ 1]
    const c = cur.all, pv = prev.all
    const chunk = cs.chunkOfSlot[s]
    const base = sv.hdr[SH.BASE_LO] + sv.hdr[SH.BASE_HI] * 4294967296
    const rows = sv.hdr[SH.ROWS], cols = sv.hdr[SH.COLS]
    for (let i = 0; i < rows; i++) {
      for (let j = 0; j < cols; j++) {
        const q = pos(i, j)
        let diff = cur.owner[q] !== prev.owner[q] || cur.stock[q] !== prev.stock[q]
        for (let p = 0; p < P8_COUNT && !diff; p++) diff = c[p * AREA + q] !== pv[p * AREA + q]
        if (diff) add(chunk, base + i * n + j, cur, q)
      }
    }
  }
  for (const id of touched) {
    const { chunk, i, j } = cellToChunk(n, id)
    const s = cs.slotOf(chunk)
    if (s !== undefined) add(chunk, id, cs.slots[s]!.copies[cs.cur], pos(i, j))
  }
  return [...byChunk.keys()].sort((a, b) => a - b).map((chunk) => ({
    chunk,
    cells: [...byChunk.get(chunk)!.values()].sort((a, b) => a.id - b.id),
  }))
}

/** Sum of the production counters of every resident, parked and evicted chunk, by item name. */
export function productionOf(cs: ChunkSet): Record<string, number> {
  const totals = new Array<number>(PROD_COUNTERS).fill(0)
  const addHdr = (h: Uint32Array): void => { for (let k = 0; k < PROD_COUNTERS; k++) totals[k] += h[SH.PROD + k] }
  for (const s of cs.slotOfChunk.values()) addHdr(cs.slots[s]!.hdr)
  for (const b of cs.parked.values()) addHdr(new Uint32Array(b.buffer.slice(b.byteOffset + 16, b.byteOffset + 16 + 128)))
  for (const h of cs.evicted.values()) addHdr(h)
  const out: Record<string, number> = {}
  totals.forEach((v, k) => { if (v > 0 && k < ITEM_NAMES.length) out[ITEM_NAMES[k]] = v })
  return out
}

/** Items in the storages of resident chunks, by item name. */
export function storedIn(cs: ChunkSet): Record<string, number> {
  const out: Record<string, number> = {}
  for (const c of [...cs.structChunks].sort((a, b) => a - b)) {
    const s = cs.slotOf(c)
    if (s === undefined) continue
    const sv = cs.slots[s]!
    const p = sv.copies[cs.cur]
    for (let i = 0; i < sv.hdr[SH.ROWS]; i++) {
      for (let j = 0; j < sv.hdr[SH.COLS]; j++) {
        const q = pos(i, j)
        if (PROTO_KIND[p.struct[q]] === KIND.STORAGE && p.stock[q] > 0) {
          const name = ITEM_NAMES[p.recipe[q]]
          out[name] = (out[name] ?? 0) + p.stock[q]
        }
      }
    }
  }
  return out
}
