/**
 * Cell addressing on the hex sphere of frequency n: cell id <-> (diamond d,
 * lattice a, b), normalising lattice coordinates that fall outside a diamond
 * across its seams, and the neighbour lists built on that.
 *
 * Id layout (docs/CONTRACTS.md): 0 = north pole, 1 = south pole, else
 * 2 + d·n² + (a−1)·n + b with d in 0..9, a in 1..n, b in 0..n−1.
 * Ids reach ~2.8e15 at n = 2^24: only float arithmetic on ids here, never
 * 32-bit bit operations.
 */
import { HexdError } from '../errors.ts'

/** Largest supported frequency. */
export const MAX_SIZE = 2 ** 24
export const NORTH_POLE = 0
export const SOUTH_POLE = 1

/**
 * The six lattice directions in neighbour order: counter-clockwise seen from
 * outside the sphere. Direction 5, (+1,−1), is the one a pentagon lacks, so a
 * pentagon's 5 neighbours are directions 0..4 in the same order.
 */
export const DIRECTIONS: ReadonlyArray<readonly [number, number]> = [[1, 0], [0, 1], [-1, 1], [-1, 0], [0, -1], [1, -1]]
const DA = [1, 0, -1, -1, 0, 1]
const DB = [0, 1, 1, 0, -1, -1]

/** A cell's lattice address. Poles are given as N = (d 0, a 0, b 0), S = (d 5, a n, b n). */
export interface Lattice { d: number; a: number; b: number }

/**
 * Throws HEXD_BAD_OPTION (field "size") unless n is an integer in 1..2^24.
 * @example checkSize(64) // ok; checkSize(0) // throws
 */
export function checkSize(n: number): void {
  if (!Number.isInteger(n) || n < 1 || n > MAX_SIZE) {
    throw new HexdError('HEXD_BAD_OPTION', `size must be an integer from 1 to ${MAX_SIZE}, got ${JSON.stringify(n)}`, { field: 'size' })
  }
}

/**
 * Number of cells of the world of frequency n: 10n²+2.
 * @example cellCount(1) // => 12
 */
export function cellCount(n: number): number {
  checkSize(n)
  return 10 * n * n + 2
}

/** Throws HEXD_BAD_CELL (field "cell") unless id is a cell of the world of frequency n. */
export function checkCell(n: number, id: number): void {
  if (!Number.isSafeInteger(id) || id < 0 || id >= 10 * n * n + 2) {
    throw new HexdError('HEXD_BAD_CELL', `cell must be an integer from 0 to ${10 * n * n + 1} for size ${n}, got ${JSON.stringify(id)}`, { field: 'cell' })
  }
}

/** floor(x / m) for non-negative safe integers, exact even when x / m rounds up. */
function idiv(x: number, m: number): number {
  let q = Math.floor(x / m)
  if (q * m > x) q -= 1
  else if ((q + 1) * m <= x) q += 1
  return q
}

/**
 * The lattice address of a cell (poles: see {@link Lattice}). Validates n and id.
 * @example cellToLattice(4, 2) // => { d: 0, a: 1, b: 0 }
 */
export function cellToLattice(n: number, id: number): Lattice {
  checkSize(n)
  checkCell(n, id)
  return decode(n, id)
}

/** cellToLattice without validation (hot paths that validated already). */
export function decode(n: number, id: number): Lattice {
  if (id === NORTH_POLE) return { d: 0, a: 0, b: 0 }
  if (id === SOUTH_POLE) return { d: 5, a: n, b: n }
  const r = id - 2
  const nn = n * n
  const d = idiv(r, nn)
  const rest = r - d * nn
  const i = idiv(rest, n)
  return { d, a: i + 1, b: rest - i * n }
}

/**
 * The cell at lattice (a, b) of diamond d, normalising coordinates outside the
 * diamond's owned range (a in 1..n, b in 0..n−1) across seams, repeatedly,
 * with the rules in docs/GEOMETRY.md. Meant for points at most one lattice
 * step outside a diamond (the neighbours of its cells); the one missing
 * direction at a pentagon has no cell and must not be asked for.
 * @example latticeToCell(4, 0, 0, 0) // => 0 (north pole)
 */
export function latticeToCell(n: number, d: number, a: number, b: number): number {
  for (let step = 0; step < 6; step++) {
    if (d < 5) {
      const k = d
      if (a === 0 && b === 0) return NORTH_POLE
      // a ≤ 0: rotate 72° about N into north k+1: (a, b) -> (a+b, −a).
      if (a <= 0) { const na = a + b; b = -a; a = na; d = (k + 1) % 5; continue }
      // b < 0: rotate −72° about N into north k−1: (a, b) -> (−b, a+b).
      if (b < 0) { const na = -b; b = a + b; a = na; d = (k + 4) % 5; continue }
      // past edge U_k–L_k into south k−1 (same orientation).
      if (a > n) { a -= n; d = 5 + (k + 4) % 5; continue }
      // past edge U_{k+1}–L_k into south k (same orientation).
      if (b >= n) { b -= n; d = 5 + k; continue }
    } else {
      const k = d - 5
      if (a === n && b === n) return SOUTH_POLE
      if (a <= 0) { a += n; d = (k + 1) % 5; continue }
      if (b < 0) { b += n; d = k; continue }
      // rotate about S into south k−1 / south k+1.
      if (a > n) { const na = a + b - n; b = 2 * n - a; a = na; d = 5 + (k + 4) % 5; continue }
      if (b >= n) { const na = 2 * n - b; b = a + b - n; a = na; d = 5 + (k + 1) % 5; continue }
    }
    return 2 + d * n * n + (a - 1) * n + b
  }
  throw new HexdError('HEXD_INTERNAL', `lattice point (${a}, ${b}) of diamond ${d} does not normalise for size ${n}`)
}

/**
 * True for the 12 cells with 5 neighbours: the poles and each diamond's
 * corner (a, b) = (n, 0) (U_k in north k, L_k in south k).
 * @example isPentagon(3, 0) // => true
 */
export function isPentagon(n: number, id: number): boolean {
  checkSize(n)
  checkCell(n, id)
  return pentagon(n, id)
}

/** isPentagon without validation. */
export function pentagon(n: number, id: number): boolean {
  if (id < 2) return true
  const r = (id - 2) % (n * n)
  return r === (n - 1) * n
}

/**
 * The neighbours of a cell: 6 ids, or 5 at a pentagon. Lattice cells list
 * them in {@link DIRECTIONS} order (a pentagon drops the last, (+1,−1)); the
 * north pole lists north diamond k's cell (1, 0) for k = 0, 1, 2, 3, 4, the
 * south pole south diamond k's cell (n, n−1) for k = 0, 4, 3, 2, 1. Every list
 * turns counter-clockwise seen from outside the sphere.
 * @example neighbors(1, 0) // => [2, 3, 4, 5, 6] (the five U_k)
 */
export function neighbors(n: number, id: number): number[] {
  checkSize(n)
  checkCell(n, id)
  const out: number[] = []
  neighborsInto(n, id, out)
  return out
}

/**
 * Writes the neighbours of a valid cell into out[0..count) and returns count
 * (5 or 6). No validation, no allocation beyond `out` itself.
 */
export function neighborsInto(n: number, id: number, out: number[] | Float64Array): number {
  const nn = n * n
  if (id === NORTH_POLE) {
    for (let k = 0; k < 5; k++) out[k] = 2 + k * nn
    return 5
  }
  if (id === SOUTH_POLE) {
    // k = 0, 4, 3, 2, 1: counter-clockwise seen from outside (below the south pole).
    for (let m = 0; m < 5; m++) out[m] = 2 + (5 + ((5 - m) % 5)) * nn + nn - 1
    return 5
  }
  const { d, a, b } = decode(n, id)
  const count = a === n && b === 0 ? 5 : 6
  for (let s = 0; s < count; s++) {
    const na = a + DA[s]
    const nb = b + DB[s]
    out[s] = na >= 1 && na <= n && nb >= 0 && nb < n ? id + DA[s] * n + DB[s] : latticeToCell(n, d, na, nb)
  }
  return count
}

/**
 * Position of `other` in neighbors(n, id), or −1 when they are not
 * neighbours (useful to turn a neighbour into a direction index).
 * @example neighborIndex(4, 0, 2) // => 0
 */
export function neighborIndex(n: number, id: number, other: number): number {
  return neighbors(n, id).indexOf(other)
}
