/**
 * Halo specifications: for a chunk, which cell each halo position of its slot
 * mirrors, where that cell lives in its home chunk, and the direction map that
 * turns the halo cell's own-frame directions into this slot's frame. Pure
 * functions of (n, chunk), cached by the chunk manager; the slot indices are
 * filled in when the halo table is written (they change as chunks load).
 */
import { cellToChunk, chunkHaloSources, chunkInfo } from './chunks.ts'
import { DIR_OFFSETS, NO_DIR, STRIDE, AREA, HALO_ENTRY_BYTES, HE, NO_SLOT, SH } from './layout.ts'
import type { SlotView } from './slot.ts'

export interface HaloSpec {
  chunk: number
  /** Slot positions of the halo entries, ascending. */
  pos: Uint16Array
  /** Home chunk and home slot position of each entry's cell. */
  srcChunk: Float64Array
  srcPos: Uint16Array
  /** 6 bytes per entry (see layout.ts HE.DIRMAP). */
  dirmap: Uint8Array
  /** Slot position -> global cell id (or −1) for every position of the slot. */
  ids: Float64Array
}

const DI = [1, 0, -1, -1, 0, 1]
const DJ = [0, 1, 1, 0, -1, -1]

/**
 * Builds the halo spec of `chunk`. `sourcesOf` returns chunkHaloSources for a
 * chunk (pass a caching function).
 */
export function buildHaloSpec(n: number, chunk: number, sourcesOf: (chunk: number) => Float64Array): HaloSpec {
  const ids = sourcesOf(chunk)
  const { rows, cols } = chunkInfo(n, chunk)
  const real = (i: number, j: number): boolean => i >= 0 && i < rows && j >= 0 && j < cols
  const entries: number[] = []
  for (let q = 0; q < AREA; q++) {
    const i = Math.floor(q / STRIDE) - 1, j = (q % STRIDE) - 1
    if (ids[q] >= 0 && !real(i, j)) entries.push(q)
  }
  const pos = new Uint16Array(entries)
  const srcChunk = new Float64Array(entries.length)
  const srcPos = new Uint16Array(entries.length)
  const dirmap = new Uint8Array(entries.length * 6).fill(NO_DIR)
  entries.forEach((q, k) => {
    const g = ids[q]
    const home = cellToChunk(n, g)
    srcChunk[k] = home.chunk
    const sp = (home.i + 1) * STRIDE + (home.j + 1)
    srcPos[k] = sp
    const homeIds = sourcesOf(home.chunk)
    const i = Math.floor(q / STRIDE) - 1, j = (q % STRIDE) - 1
    for (let e = 0; e < 6; e++) {
      const x = homeIds[sp + DIR_OFFSETS[e]]
      if (x < 0) continue
      for (let f = 0; f < 6; f++) {
        const ni = i + DI[f], nj = j + DJ[f]
        if (real(ni, nj) && ids[(ni + 1) * STRIDE + nj + 1] === x) { dirmap[k * 6 + e] = f; break }
      }
    }
  })
  return { chunk, pos, srcChunk, srcPos, dirmap, ids }
}

/**
 * Writes a halo spec into a slot's halo table, resolving home chunks to slots
 * with `slotOf` (undefined -> NO_SLOT, the position reads as VOID).
 */
export function writeHaloTable(sv: SlotView, spec: HaloSpec, slotOf: (chunk: number) => number | undefined): void {
  const count = spec.pos.length
  sv.halo.fill(0)
  for (let k = 0; k < count; k++) {
    const b = k * HALO_ENTRY_BYTES
    sv.haloU16[(b + HE.POS) >> 1] = spec.pos[k]
    sv.haloU16[(b + HE.SRC_POS) >> 1] = spec.srcPos[k]
    sv.haloU32[(b + HE.SRC_SLOT) >> 2] = slotOf(spec.srcChunk[k]) ?? NO_SLOT
    for (let e = 0; e < 6; e++) sv.halo[b + HE.DIRMAP + e] = spec.dirmap[k * 6 + e]
  }
  sv.hdr[SH.HALO_COUNT] = count
}

/**
 * The slot's direction map (AREA·6 bytes) from its header and halo table:
 * identity at real cells, the table's dirmap at halo entries, NO_DIR elsewhere.
 * The native kernel derives the same array from the same bytes.
 */
export function buildDirmap(sv: SlotView): Uint8Array {
  const dm = new Uint8Array(AREA * 6).fill(NO_DIR)
  const rows = sv.hdr[SH.ROWS], cols = sv.hdr[SH.COLS]
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) {
      const q = (i + 1) * STRIDE + j + 1
      for (let e = 0; e < 6; e++) dm[q * 6 + e] = e
    }
  }
  const count = sv.hdr[SH.HALO_COUNT]
  for (let k = 0; k < count; k++) {
    const b = k * HALO_ENTRY_BYTES
    const q = sv.haloU16[(b + HE.POS) >> 1]
    for (let e = 0; e < 6; e++) dm[q * 6 + e] = sv.halo[b + HE.DIRMAP + e]
  }
  return dm
}

/** A bounded cache of chunkHaloSources results (35 KB each; cleared when full). */
export function sourcesCache(n: number, limit = 512): (chunk: number) => Float64Array {
  const cache = new Map<number, Float64Array>()
  return (chunk: number) => {
    let s = cache.get(chunk)
    if (s === undefined) {
      if (cache.size >= limit) cache.clear()
      s = chunkHaloSources(n, chunk)
      cache.set(chunk, s)
    }
    return s
  }
}
