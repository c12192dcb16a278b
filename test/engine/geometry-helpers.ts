// Small helpers shared by the geometry and chunk tests: distances, a
// collector that reports the first few failures of a property checked over
// many cells in one assertion, fast-check arbitraries for sizes and cells, and
// the slot direction maps (the tick's, and a reference built from neighbors()).
import fc from 'fast-check'
import { DIRECTIONS, neighbors } from '../../src/engine/geometry.ts'
import { chunkInfo, slotIndex } from '../../src/engine/chunks.ts'
import { buildDirmap, buildHaloSpec, writeHaloTable } from '../../src/engine/halo.ts'
import { SH, bufferBytes } from '../../src/engine/layout.ts'
import { slotView } from '../../src/engine/slot.ts'

export type V = readonly number[]

export function dist2(p: V, q: V): number {
  return (p[0] - q[0]) ** 2 + (p[1] - q[1]) ** 2 + (p[2] - q[2]) ** 2
}

export function cross(p: V, q: V): number[] {
  return [p[1] * q[2] - p[2] * q[1], p[2] * q[0] - p[0] * q[2], p[0] * q[1] - p[1] * q[0]]
}

export function dot(p: V, q: V): number {
  return p[0] * q[0] + p[1] * q[1] + p[2] * q[2]
}

/** Collects failure descriptions; `list()` gives the first few for a message. */
export class Failures {
  count = 0
  private first: string[] = []
  add(msg: string): void {
    this.count++
    if (this.first.length < 5) this.first.push(msg)
  }
  list(): string {
    return this.first.join('; ')
  }
}

/** A lattice cell (d, a, b) of size n, biased towards diamond edges and corners. */
export function latticeArb(n: number): fc.Arbitrary<{ d: number; a: number; b: number }> {
  const edgeA = fc.constantFrom(...new Set([1, 2, Math.max(1, n - 1), n]))
  const edgeB = fc.constantFrom(...new Set([0, 1, Math.max(0, n - 2), n - 1]))
  const anyA = fc.integer({ min: 1, max: n })
  const anyB = fc.integer({ min: 0, max: n - 1 })
  return fc.record({
    d: fc.integer({ min: 0, max: 9 }),
    a: fc.oneof(edgeA, anyA),
    b: fc.oneof(edgeB, anyB),
  })
}

/** A size from 13 to 2^24, biased to the extremes. */
export const largeSize = fc.oneof(fc.integer({ min: 13, max: 2 ** 24 }), fc.constantFrom(13, 64, 65, 127, 128, 129, 2 ** 24 - 1, 2 ** 24))

/** A (size, cell) pair: a lattice cell of a large size, or one of its poles. */
export const largeCell = largeSize.chain((n) =>
  fc.oneof(
    { weight: 10, arbitrary: latticeArb(n).map(({ d, a, b }) => ({ n, id: 2 + d * n * n + (a - 1) * n + b })) },
    { weight: 1, arbitrary: fc.constantFrom(0, 1).map((id) => ({ n, id })) },
  ),
)

/**
 * The direction map the tick uses for `chunk` (AREA·6 bytes): its halo spec
 * (buildHaloSpec) written into a standalone slot and read back by buildDirmap,
 * as the chunk manager does. `sourcesOf` gives chunkHaloSources (cached).
 */
export function tickDirmap(n: number, chunk: number, sourcesOf: (chunk: number) => Float64Array): Uint8Array {
  const sv = slotView(new ArrayBuffer(bufferBytes(1)), 0)
  const { rows, cols } = chunkInfo(n, chunk)
  sv.hdr[SH.ROWS] = rows
  sv.hdr[SH.COLS] = cols
  writeHaloTable(sv, buildHaloSpec(n, chunk, sourcesOf), () => 0)
  return buildDirmap(sv)
}

/**
 * Reference for one halo direction, from neighbors() alone: the slot direction
 * s such that (i, j) + DIRECTIONS[s] is a cell of the chunk (rows × cols) and
 * holds neighbour e of the cell at (i, j) in `halo` (chunkHaloSources); −1 when
 * there is none (the neighbour is outside the chunk, or a pentagon has no e = 5).
 */
export function expectedHaloDir(n: number, halo: Float64Array, rows: number, cols: number, i: number, j: number, e: number): number {
  const nb = neighbors(n, halo[slotIndex(i, j)])
  const inside = (a: number, b: number) => a >= 0 && a < rows && b >= 0 && b < cols
  return DIRECTIONS.findIndex(([di, dj]) => inside(i + di, j + dj) && e < nb.length && halo[slotIndex(i + di, j + dj)] === nb[e])
}
