/**
 * The hex-sphere geometry API (docs/CONTRACTS.md "Geometry"): counts, ids,
 * neighbours (re-exported from lattice.ts), and positions: cell -> unit
 * vector, lat/lon and an integer position for procedural noise, and point ->
 * nearest cell. Exact formulas and operation orders: docs/GEOMETRY.md.
 */
import { HexdError } from '../errors.ts'
import { DIAMOND_CORNERS, FACES, VERTICES } from './icosa.ts'
import { checkCell, checkSize, decode, latticeToCell, neighborsInto } from './lattice.ts'

export {
  MAX_SIZE, NORTH_POLE, SOUTH_POLE, DIRECTIONS, type Lattice,
  checkSize, checkCell, cellCount, cellToLattice, latticeToCell, isPentagon, pentagon,
  neighbors, neighborsInto, neighborIndex, decode,
} from './lattice.ts'

/** Scale of {@link cellToIntXYZ}: 2^20. */
export const INT_SCALE = 1048576

/**
 * The point of diamond d at lattice (a, b) on the flat icosahedron, before
 * projection to the sphere. For a+b <= n: T + (a·(A−T) + b·(B−T)) / n, else
 * Bt + ((n−b)·(A−Bt) + (n−a)·(B−Bt)) / n, per component, in that order.
 */
export function facePoint(n: number, d: number, a: number, b: number): [number, number, number] {
  const [ti, ai, bi, bti] = DIAMOND_CORNERS[d]
  const A = VERTICES[ai], B = VERTICES[bi]
  const out: [number, number, number] = [0, 0, 0]
  if (a + b <= n) {
    const T = VERTICES[ti]
    for (let c = 0; c < 3; c++) out[c] = T[c] + (a * (A[c] - T[c]) + b * (B[c] - T[c])) / n
  } else {
    const Bt = VERTICES[bti]
    const p = n - b, q = n - a
    for (let c = 0; c < 3; c++) out[c] = Bt[c] + (p * (A[c] - Bt[c]) + q * (B[c] - Bt[c])) / n
  }
  return out
}

/** Unit vector of a valid cell, without validation: facePoint / sqrt(x·x + y·y + z·z). */
export function unitXYZ(n: number, id: number): [number, number, number] {
  const { d, a, b } = decode(n, id)
  const p = facePoint(n, d, a, b)
  const len = Math.sqrt(p[0] * p[0] + p[1] * p[1] + p[2] * p[2])
  return [p[0] / len, p[1] / len, p[2] / len]
}

/**
 * The unit vector at the centre of a cell (x, y, z; +z is the north pole,
 * +x is longitude 0).
 * @example cellToXYZ(4, 0) // => [0, 0, 1]
 */
export function cellToXYZ(n: number, id: number): [number, number, number] {
  checkSize(n)
  checkCell(n, id)
  return unitXYZ(n, id)
}

/**
 * Integer position of a cell for procedural noise: each component of
 * cellToXYZ times 2^20, rounded half up (Math.round). Reproducible in C++:
 * v = u * 1048576.0; r = floor(v); if (v - r >= 0.5) r += 1.
 * @example cellToIntXYZ(4, 0) // => [0, 0, 1048576]
 */
export function cellToIntXYZ(n: number, id: number): [number, number, number] {
  const u = cellToXYZ(n, id)
  return [Math.round(u[0] * INT_SCALE), Math.round(u[1] * INT_SCALE), Math.round(u[2] * INT_SCALE)]
}

/**
 * Latitude and longitude of a cell's centre, in degrees (lat −90..90,
 * lon −180..180, east positive).
 * @example cellToLatLon(4, 1) // => { lat: -90, lon: 0 }
 */
export function cellToLatLon(n: number, id: number): { lat: number; lon: number } {
  const [x, y, z] = cellToXYZ(n, id)
  // atan2 rather than asin: asin(z) loses precision next to the poles.
  const lat = (Math.atan2(z, Math.hypot(x, y)) * 180) / Math.PI
  const lon = x === 0 && y === 0 ? 0 : (Math.atan2(y, x) * 180) / Math.PI
  return { lat, lon }
}

function dist2(p: readonly number[], q: readonly number[]): number {
  const dx = p[0] - q[0], dy = p[1] - q[1], dz = p[2] - q[2]
  return dx * dx + dy * dy + dz * dz
}

/**
 * The cell whose centre is nearest to the direction (x, y, z) (any non-zero
 * length). Picks the icosahedron face with the largest dot product, inverts
 * the face's linear map to lattice (a, b), then walks greedily to nearer
 * neighbours until none is nearer (ties go to the smaller id). Exact at cell
 * centres. Throws HEXD_BAD_OPTION (field "xyz") for a zero or non-finite vector.
 * @example xyzToCell(4, 0, 0, 1) // => 0
 */
export function xyzToCell(n: number, x: number, y: number, z: number): number {
  checkSize(n)
  const len = Math.sqrt(x * x + y * y + z * z)
  if (!Number.isFinite(len) || len === 0) {
    throw new HexdError('HEXD_BAD_OPTION', `xyz must be a finite non-zero vector, got [${x}, ${y}, ${z}]`, { field: 'xyz' })
  }
  const p = [x / len, y / len, z / len]
  let best = startCell(n, p)
  let bestD = dist2(p, unitXYZ(n, best))
  const nb: number[] = [0, 0, 0, 0, 0, 0]
  for (;;) {
    const count = neighborsInto(n, best, nb)
    let moved = false
    for (let s = 0; s < count; s++) {
      const d = dist2(p, unitXYZ(n, nb[s]))
      if (d < bestD || (d === bestD && nb[s] < best)) { best = nb[s]; bestD = d; moved = true }
    }
    if (!moved) return best
  }
}

/** A cell near p (unit): the best corner of the lattice rhombus holding p's projection. */
function startCell(n: number, p: readonly number[]): number {
  let fi = 0, fd = -Infinity
  for (let f = 0; f < 20; f++) {
    const m = FACES[f].normal
    const dot = m[0] * p[0] + m[1] * p[1] + m[2] * p[2]
    if (dot > fd) { fd = dot; fi = f }
  }
  const { corners: [o, u0, v0], normal: m, diamond, upper } = FACES[fi]
  // Project p onto the face plane along the ray, then solve q − o = α(u0−o) + β(v0−o).
  const s = (m[0] * o[0] + m[1] * o[1] + m[2] * o[2]) / fd
  const w = [0, 1, 2].map((c) => p[c] * s - o[c])
  const u = [0, 1, 2].map((c) => u0[c] - o[c])
  const v = [0, 1, 2].map((c) => v0[c] - o[c])
  const uu = dot3(u, u), uv = dot3(u, v), vv = dot3(v, v), uw = dot3(u, w), vw = dot3(v, w)
  const det = uu * vv - uv * uv
  const alpha = (uw * vv - vw * uv) / det
  const beta = (vw * uu - uw * uv) / det
  // Upper face (T, A, B): a = αn, b = βn. Lower face (A, Bt, B): corners
  // [A, Bt, B] means q = A + α(Bt−A) + β(B−A): a = n − βn, b = (α+β)n.
  const a = upper ? alpha * n : n - beta * n
  const b = upper ? beta * n : (alpha + beta) * n
  const fa = Math.min(n, Math.max(0, Math.floor(a))), fb = Math.min(n, Math.max(0, Math.floor(b)))
  let best = -1, bestD = Infinity
  for (const [ca, cb] of [[fa, fb], [fa + 1, fb], [fa, fb + 1], [fa + 1, fb + 1]]) {
    if (ca > n || cb > n) continue
    const id = latticeToCell(n, diamond, ca, cb)
    const d = dist2(p, unitXYZ(n, id))
    if (d < bestD) { bestD = d; best = id }
  }
  return best
}

function dot3(p: readonly number[], q: readonly number[]): number {
  return p[0] * q[0] + p[1] * q[1] + p[2] * q[2]
}
