/**
 * Clicking: the ray from the camera through the pointer meets the unit sphere,
 * and the engine's xyzToCell names the cell whose centre is nearest to that
 * point. Pure maths, no three.js, so a test can check it against cell centres.
 *
 * @example
 * cellAtRay(16, [0, 0, 3], [0, 0, -1]) // => 0 (straight down onto the north pole)
 */
import { xyzToCell } from '../../src/engine/geometry.ts'

type V3 = readonly [number, number, number]

/**
 * The nearest point where the ray origin + t·dir (t >= 0) meets the sphere of
 * `radius` around the origin, or null when it misses.
 * @example raySphere([0, 0, 3], [0, 0, -1]) // => [0, 0, 1]
 */
export function raySphere(origin: V3, dir: V3, radius = 1): [number, number, number] | null {
  const dd = dir[0] * dir[0] + dir[1] * dir[1] + dir[2] * dir[2]
  if (!(dd > 0)) throw new Error(`ray direction must be non-zero, got [${dir.join(', ')}]`)
  const od = origin[0] * dir[0] + origin[1] * dir[1] + origin[2] * dir[2]
  const oo = origin[0] * origin[0] + origin[1] * origin[1] + origin[2] * origin[2]
  // |o + t·d|² = r²  ⇔  dd·t² + 2·od·t + (oo − r²) = 0
  const disc = od * od - dd * (oo - radius * radius)
  if (disc < 0) return null
  const s = Math.sqrt(disc)
  let t = (-od - s) / dd
  if (t < 0) t = (-od + s) / dd
  if (t < 0) return null
  return [origin[0] + t * dir[0], origin[1] + t * dir[1], origin[2] + t * dir[2]]
}

/** The cell under the ray on the world of frequency n, or null when the ray misses the sphere. */
export function cellAtRay(n: number, origin: V3, dir: V3): number | null {
  const p = raySphere(origin, dir)
  return p ? xyzToCell(n, p[0], p[1], p[2]) : null
}
