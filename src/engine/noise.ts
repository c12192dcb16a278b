/**
 * Integer value noise for procedural generation, bit-for-bit reproducible in
 * C++ (u32 hashing, integer smoothstep and lerp with floor division; every
 * intermediate stays below 2^53 so doubles are exact). Two forms:
 * - 3D noise over geometry's integer cell positions (cellToIntXYZ, 2^20 scale):
 *   continent-scale fields that are seamless over the whole sphere;
 * - 2D noise over a diamond's lattice (a, b): cell-scale detail (deposits),
 *   independent of n. It is discontinuous across diamond seams, which only
 *   shows as a deposit cut at a seam.
 * Values are 0..65535.
 */
import { fmix32 as fmix32_, step32 as step32_ } from './hash.ts'
// Local copies: imported bindings are slow to read in hot loops under tsx.
const fmix32 = fmix32_
const step32 = step32_

/** Hash of an integer lattice point to 0..65535. */
export function latticeValue(seedLo: number, seedHi: number, salt: number, x: number, y: number, z: number): number {
  let h = (seedLo ^ Math.imul(salt, 0x9e3779b9)) >>> 0
  h = step32(h, seedHi)
  h = step32(h, x >>> 0)
  h = step32(h, y >>> 0)
  h = step32(h, z >>> 0)
  return fmix32(h) >>> 16
}

/**
 * Integer smoothstep of t in 0..65535: floor(t·t·(3·65536 − 2t) / 2^32).
 * @example smooth(32768) // => 32768
 */
export function smooth(t: number): number {
  return Math.floor((t * t * (196608 - 2 * t)) / 4294967296)
}

/** a + floor((b − a)·s / 65536). */
export function lerp(a: number, b: number, s: number): number {
  return a + Math.floor(((b - a) * s) / 65536)
}

/** Cell of coordinate v at grid spacing 2^shift: floor(v / 2^shift). */
function cellOf(v: number, shift: number): number {
  return Math.floor(v / 2 ** shift)
}

/** The 16-bit fraction of v inside its cell (see cellOf). */
function fracOf(v: number, c: number, shift: number): number {
  const f = v - c * 2 ** shift
  return shift >= 16 ? Math.floor(f / 2 ** (shift - 16)) : f * 2 ** (16 - shift)
}

/**
 * 3D value noise at integer point (x, y, z) with grid spacing 2^shift
 * (shift 0..30): trilinear interpolation of latticeValue at the 8 corners with
 * smoothstep weights, x first, then y, then z. (Written without closures or
 * tuples: generation calls it millions of times.)
 * @example valueNoise3(1, 0, 7, 0, 0, 1048576, 18) // 0..65535
 */
export function valueNoise3(seedLo: number, seedHi: number, salt: number, x: number, y: number, z: number, shift: number): number {
  const cx = cellOf(x, shift), cy = cellOf(y, shift), cz = cellOf(z, shift)
  const sx = smooth(fracOf(x, cx, shift)), sy = smooth(fracOf(y, cy, shift)), sz = smooth(fracOf(z, cz, shift))
  const x00 = lerp(latticeValue(seedLo, seedHi, salt, cx, cy, cz), latticeValue(seedLo, seedHi, salt, cx + 1, cy, cz), sx)
  const x10 = lerp(latticeValue(seedLo, seedHi, salt, cx, cy + 1, cz), latticeValue(seedLo, seedHi, salt, cx + 1, cy + 1, cz), sx)
  const x01 = lerp(latticeValue(seedLo, seedHi, salt, cx, cy, cz + 1), latticeValue(seedLo, seedHi, salt, cx + 1, cy, cz + 1), sx)
  const x11 = lerp(latticeValue(seedLo, seedHi, salt, cx, cy + 1, cz + 1), latticeValue(seedLo, seedHi, salt, cx + 1, cy + 1, cz + 1), sx)
  return lerp(lerp(x00, x10, sy), lerp(x01, x11, sy), sz)
}

/**
 * Fractal sum of `octaves` valueNoise3 layers, spacings 2^shift, 2^(shift−1), …,
 * weights 2^(octaves−1), …, 2, 1, each layer with salt + octave; the sum is
 * floor-divided by (2^octaves − 1).
 */
export function fbm3(seedLo: number, seedHi: number, salt: number, x: number, y: number, z: number, shift: number, octaves: number): number {
  let sum = 0
  for (let o = 0; o < octaves; o++) sum += valueNoise3(seedLo, seedHi, salt + o, x, y, z, shift - o) * 2 ** (octaves - 1 - o)
  return Math.floor(sum / (2 ** octaves - 1))
}

/**
 * 2D value noise over lattice (a, b) of diamond d, grid spacing 2^shift cells
 * (bilinear, smoothstep weights, a first); the diamond goes in as z.
 */
export function valueNoise2(seedLo: number, seedHi: number, salt: number, d: number, a: number, b: number, shift: number): number {
  const ca = cellOf(a, shift), cb = cellOf(b, shift)
  const sa = smooth(fracOf(a, ca, shift)), sb = smooth(fracOf(b, cb, shift))
  const v0 = lerp(latticeValue(seedLo, seedHi, salt, ca, cb, d), latticeValue(seedLo, seedHi, salt, ca + 1, cb, d), sa)
  const v1 = lerp(latticeValue(seedLo, seedHi, salt, ca, cb + 1, d), latticeValue(seedLo, seedHi, salt, ca + 1, cb + 1, d), sa)
  return lerp(v0, v1, sb)
}
