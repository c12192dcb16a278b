/**
 * Chunks: each diamond is cut into CHUNK_SIZE×CHUNK_SIZE squares of lattice
 * cells (the last row/column of chunks is partial when n is not a multiple of
 * 64), and each pole is a chunk of one cell. This file owns chunk ids, the
 * cell <-> chunk maps, chunk neighbours, and the halo sources the engine uses
 * to fill a chunk slot's 1-cell border before a tick.
 *
 * Chunk id (docs/CONTRACTS.md): d·cps² + ci·cps + cj, cps = ceil(n/64);
 * north pole chunk 10·cps², south pole chunk 10·cps²+1.
 * Local coordinates of a lattice cell: i = (a−1) − 64·ci, j = b − 64·cj.
 */
import { HexdError } from '../errors.ts'
import { DIRECTIONS, NORTH_POLE, SOUTH_POLE, checkCell, checkSize, decode, latticeToCell, neighborsInto } from './lattice.ts'

/** Cells per chunk side. */
export const CHUNK_SIZE = 64
/** Side of a chunk slot including its halo: local i, j run from −1 to 64. */
export const SLOT_SIDE = CHUNK_SIZE + 2
/** Positions in a chunk slot (66 × 66). */
export const SLOT_CELLS = SLOT_SIDE * SLOT_SIDE

/**
 * Index of local position (i, j), each in −1..64, in a slot array:
 * (i+1)·66 + (j+1) (row-major, i is the row).
 * @example slotIndex(0, 0) // => 67
 */
export function slotIndex(i: number, j: number): number {
  return (i + 1) * SLOT_SIDE + (j + 1)
}

/**
 * Chunks per diamond side: ceil(n / 64).
 * @example chunksPerSide(100) // => 2
 */
export function chunksPerSide(n: number): number {
  checkSize(n)
  return Math.ceil(n / CHUNK_SIZE)
}

/**
 * Number of chunks: 10·cps² + 2.
 * @example chunkCount(64) // => 12
 */
export function chunkCount(n: number): number {
  const cps = chunksPerSide(n)
  return 10 * cps * cps + 2
}

/** Throws HEXD_BAD_CHUNK (field "chunk") unless chunk is a chunk id of the world of frequency n. */
export function checkChunk(n: number, chunk: number): void {
  const count = chunkCount(n)
  if (!Number.isSafeInteger(chunk) || chunk < 0 || chunk >= count) {
    throw new HexdError('HEXD_BAD_CHUNK', `chunk must be an integer from 0 to ${count - 1} for size ${n}, got ${JSON.stringify(chunk)}`, { field: 'chunk' })
  }
}

/**
 * Where a chunk lies. `pole` is 'N' or 'S' for the two pole chunks (then
 * d/ci/cj are −1 and rows = cols = 1). Otherwise the chunk covers lattice rows
 * a = 64·ci+1 .. 64·ci+rows and columns b = 64·cj .. 64·cj+cols−1 of diamond d.
 */
export interface ChunkInfo {
  chunk: number
  pole: 'N' | 'S' | null
  d: number
  ci: number
  cj: number
  rows: number
  cols: number
}

/**
 * Decodes a chunk id (validated).
 * @example chunkInfo(100, 1) // => { chunk: 1, pole: null, d: 0, ci: 0, cj: 1, rows: 64, cols: 36 }
 */
export function chunkInfo(n: number, chunk: number): ChunkInfo {
  checkChunk(n, chunk)
  const cps = Math.ceil(n / CHUNK_SIZE)
  const per = cps * cps
  if (chunk >= 10 * per) {
    return { chunk, pole: chunk === 10 * per ? 'N' : 'S', d: -1, ci: -1, cj: -1, rows: 1, cols: 1 }
  }
  const d = Math.floor(chunk / per) // exact: chunk < 10·2^36
  const r = chunk - d * per
  const ci = Math.floor(r / cps)
  const cj = r - ci * cps
  return { chunk, pole: null, d, ci, cj, rows: Math.min(CHUNK_SIZE, n - ci * CHUNK_SIZE), cols: Math.min(CHUNK_SIZE, n - cj * CHUNK_SIZE) }
}

/**
 * The chunk holding a cell and the cell's local (i, j) in it (poles: (0, 0)).
 * @example cellToChunk(100, 2 + 70 * 100 + 5) // => { chunk: 2, i: 6, j: 5 }
 */
export function cellToChunk(n: number, id: number): { chunk: number; i: number; j: number } {
  checkSize(n)
  checkCell(n, id)
  const cps = Math.ceil(n / CHUNK_SIZE)
  if (id === NORTH_POLE) return { chunk: 10 * cps * cps, i: 0, j: 0 }
  if (id === SOUTH_POLE) return { chunk: 10 * cps * cps + 1, i: 0, j: 0 }
  const { d, a, b } = decode(n, id)
  const ci = Math.floor((a - 1) / CHUNK_SIZE), cj = Math.floor(b / CHUNK_SIZE)
  return { chunk: d * cps * cps + ci * cps + cj, i: a - 1 - ci * CHUNK_SIZE, j: b - cj * CHUNK_SIZE }
}

/**
 * The cell ids of a chunk, row-major (i then j), rows × cols of them.
 * @example chunkCells(1, 10) // => [0] (north pole chunk)
 */
export function chunkCells(n: number, chunk: number): number[] {
  const c = chunkInfo(n, chunk)
  if (c.pole) return [c.pole === 'N' ? NORTH_POLE : SOUTH_POLE]
  const out = new Array<number>(c.rows * c.cols)
  const base = 2 + c.d * n * n + c.ci * CHUNK_SIZE * n + c.cj * CHUNK_SIZE
  for (let i = 0; i < c.rows; i++) {
    for (let j = 0; j < c.cols; j++) out[i * c.cols + j] = base + i * n + j
  }
  return out
}

/**
 * What every position of a chunk slot holds, as global cell ids in a
 * Float64Array of SLOT_CELLS (index {@link slotIndex}(i, j), i, j in −1..64):
 * - a cell of the chunk (0 <= i < rows, 0 <= j < cols): its id;
 * - a position one lattice step (one of {@link DIRECTIONS}) from a cell of the
 *   chunk: the cell reached by that step, i.e. the lattice point normalised
 *   across seams (latticeToCell), which is that chunk cell's neighbour. This
 *   ring lies at i = −1 or rows, or j = −1 or cols, so for a partial chunk it
 *   sits inside the 64×64 square, right after its last real row/column;
 * - −1 everywhere else: beyond the ring, the ring's two corners (−1,−1) and
 *   (rows, cols) that are no cell's neighbour, and the missing (+1,−1) step
 *   at a pentagon.
 * A pole chunk holds the pole at (0, 0) and its neighbour number m (in
 * neighbors() order) at DIRECTIONS[m]; DIRECTIONS[5] is −1.
 * Thus for every chunk cell at (i, j), the slot at (i, j) + DIRECTIONS[s]
 * holds its neighbour in direction s (−1 only for a pentagon's s = 5).
 * @example chunkHaloSources(64, 0)[slotIndex(-1, 0)] // => 0 (north pole above cell (0,0) of diamond 0)
 */
export function chunkHaloSources(n: number, chunk: number): Float64Array {
  const c = chunkInfo(n, chunk)
  const out = new Float64Array(SLOT_CELLS).fill(-1)
  if (c.pole) {
    const id = c.pole === 'N' ? NORTH_POLE : SOUTH_POLE
    out[slotIndex(0, 0)] = id
    const nb = [0, 0, 0, 0, 0]
    neighborsInto(n, id, nb)
    for (let m = 0; m < 5; m++) out[slotIndex(DIRECTIONS[m][0], DIRECTIONS[m][1])] = nb[m]
    return out
  }
  const { d, ci, cj, rows, cols } = c
  const a0 = ci * CHUNK_SIZE + 1, b0 = cj * CHUNK_SIZE
  const base = 2 + d * n * n + ci * CHUNK_SIZE * n + cj * CHUNK_SIZE
  for (let i = 0; i < rows; i++) {
    const row = slotIndex(i, 0)
    for (let j = 0; j < cols; j++) out[row + j] = base + i * n + j
  }
  // The ring around the real rows × cols region.
  const ring = (i: number, j: number): void => {
    if (isNeighbourOfChunk(n, a0, b0, rows, cols, i, j)) out[slotIndex(i, j)] = latticeToCell(n, d, a0 + i, b0 + j)
  }
  for (let j = -1; j <= cols; j++) { ring(-1, j); ring(rows, j) }
  for (let i = 0; i < rows; i++) { ring(i, -1); ring(i, cols) }
  return out
}

/**
 * True when local (i, j), outside the rows × cols region, is one lattice step
 * from a cell of it — not counting the (+1,−1) step from a pentagon corner.
 */
function isNeighbourOfChunk(n: number, a0: number, b0: number, rows: number, cols: number, i: number, j: number): boolean {
  for (let s = 0; s < 6; s++) {
    const si = i - DIRECTIONS[s][0], sj = j - DIRECTIONS[s][1]
    if (si < 0 || si >= rows || sj < 0 || sj >= cols) continue
    if (s === 5 && a0 + si === n && b0 + sj === 0) continue
    return true
  }
  return false
}

/**
 * The chunks adjacent to a chunk: those holding a neighbour of one of its
 * cells (across seams and at the poles), ascending, without the chunk itself.
 * @example chunkNeighbors(64, 10) // => [0, 1, 2, 3, 4] (north pole chunk)
 */
export function chunkNeighbors(n: number, chunk: number): number[] {
  const halo = chunkHaloSources(n, chunk)
  const cps = Math.ceil(n / CHUNK_SIZE)
  const set = new Set<number>()
  const { rows, cols } = chunkInfo(n, chunk)
  // Only the ring around the chunk's own rows × cols can hold other chunks' cells.
  for (let i = -1; i <= rows; i++) {
    for (let j = -1; j <= cols; j++) {
      if (i >= 0 && i < rows && j >= 0 && j < cols) continue
      const id = halo[slotIndex(i, j)]
      if (id >= 0) set.add(chunkOfCell(n, cps, id))
    }
  }
  set.delete(chunk)
  return [...set].sort((x, y) => x - y)
}

/** cellToChunk's chunk id without validation. */
function chunkOfCell(n: number, cps: number, id: number): number {
  if (id < 2) return 10 * cps * cps + id
  const { d, a, b } = decode(n, id)
  return d * cps * cps + Math.floor((a - 1) / CHUNK_SIZE) * cps + Math.floor(b / CHUNK_SIZE)
}
