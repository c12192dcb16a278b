/**
 * The icosahedron under the hex sphere: its 12 vertices, its 10 rhombic
 * diamonds and its 20 faces, as plain doubles.
 *
 * Every coordinate is built from + − × ÷ and Math.sqrt only (no trig), in the
 * exact operation order written below, so a C++ port (IEEE doubles, sqrt is
 * correctly rounded, compiled with -ffp-contract=off) reproduces the same
 * bits. docs/GEOMETRY.md lists the same formulas.
 *
 * Vertex order: 0 = N, 1..5 = U0..U4 (upper ring, longitude 72k°),
 * 6..10 = L0..L4 (lower ring, longitude 72k+36°), 11 = S.
 */

const S5 = Math.sqrt(5)
/** cos 36° = (1+√5)/4 */
const C36 = (1 + S5) / 4
/** sin 36° = √(10−2√5)/4 */
const S36 = Math.sqrt(10 - 2 * S5) / 4
/** cos 72° = (√5−1)/4 */
const C72 = (S5 - 1) / 4
/** sin 72° = √(10+2√5)/4 */
const S72 = Math.sqrt(10 + 2 * S5) / 4
/** Ring height 1/√5 and ring radius 2/√5 (so every vertex is a unit vector). */
const RZ = 1 / S5
const RR = 2 / S5

/** cos and sin of 36°·m for m = 0..9, from the sqrt constants above. */
const COS36M = [1, C36, C72, -C72, -C36, -1, -C36, -C72, C72, C36]
const SIN36M = [0, S36, S72, S72, S36, 0, -S36, -S72, -S72, -S36]

/** A point or vector in 3D. */
export type Vec3 = readonly [number, number, number]

function ringVertex(m: number, z: number): Vec3 {
  return [RR * COS36M[m % 10], RR * SIN36M[m % 10], z]
}

/** The 12 vertices: N, U0..U4, L0..L4, S (see the header for the order). */
export const VERTICES: readonly Vec3[] = [
  [0, 0, 1],
  ...[0, 1, 2, 3, 4].map((k) => ringVertex(2 * k, RZ)),
  ...[0, 1, 2, 3, 4].map((k) => ringVertex(2 * k + 1, -RZ)),
  [0, 0, -1],
]

export const V_N = 0
export const V_S = 11
/** Vertex index of U_k (k taken mod 5). */
export const vU = (k: number): number => 1 + (((k % 5) + 5) % 5)
/** Vertex index of L_k (k taken mod 5). */
export const vL = (k: number): number => 6 + (((k % 5) + 5) % 5)

/**
 * The corners of diamond d as vertex indices [T, A, B, Bt]: lattice (0,0) is T,
 * (n,0) is A, (0,n) is B, (n,n) is Bt. North k (d = k): N, U_k, U_{k+1}, L_k.
 * South k (d = 5+k): U_{k+1}, L_k, L_{k+1}, S.
 */
export const DIAMOND_CORNERS: ReadonlyArray<readonly [number, number, number, number]> = [
  ...[0, 1, 2, 3, 4].map((k) => [V_N, vU(k), vU(k + 1), vL(k)] as const),
  ...[0, 1, 2, 3, 4].map((k) => [vU(k + 1), vL(k), vL(k + 1), V_S] as const),
]

/**
 * One of the 20 faces: face 2d is diamond d's triangle (T, A, B) (lattice a+b <= n),
 * face 2d+1 its triangle (A, Bt, B) (a+b > n). `normal` is the (unnormalised)
 * outward normal: the sum of the three corners.
 */
export interface Face {
  readonly diamond: number
  readonly upper: boolean
  readonly corners: readonly [Vec3, Vec3, Vec3]
  readonly normal: Vec3
}

function face(d: number, upper: boolean): Face {
  const [t, a, b, bt] = DIAMOND_CORNERS[d].map((i) => VERTICES[i])
  const corners: [Vec3, Vec3, Vec3] = upper ? [t, a, b] : [a, bt, b]
  const normal: Vec3 = [0, 1, 2].map((c) => corners[0][c] + corners[1][c] + corners[2][c]) as unknown as Vec3
  return { diamond: d, upper, corners, normal }
}

/** The 20 faces, index 2d (upper triangle of diamond d) and 2d+1 (lower). */
export const FACES: readonly Face[] = Array.from({ length: 20 }, (_, f) => face(f >> 1, (f & 1) === 0))
