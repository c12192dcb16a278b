/**
 * The TUI's geometry adapter: the engine's sphere geometry (src/engine/geometry.ts)
 * for a world of frequency `size`, behind the small {@link Geo} interface the
 * layout uses, with the per-cell answers cached (the map asks for the same
 * cells every frame).
 *
 * @example
 * const geo = sphereGeo(64)
 * geo.neighbors(0) // the north pole's 5 neighbours
 */
import { cellToXYZ, isPentagon, neighbors } from '../engine/geometry.ts'
import type { Geo } from './types.ts'

/** Returns a cached {@link Geo} for a world of frequency `size` (1..2^24). */
export function sphereGeo(size: number, cacheLimit = 50_000): Geo {
  const nb = new Map<number, number[]>()
  const pos = new Map<number, [number, number, number]>()
  // The cache only needs the cells around the view; drop it wholesale when it
  // grows past the limit rather than tracking recency.
  const remember = <T>(m: Map<number, T>, id: number, v: T): T => {
    if (m.size >= cacheLimit) m.clear()
    m.set(id, v)
    return v
  }
  return {
    size,
    neighbors: (id) => nb.get(id) ?? remember(nb, id, neighbors(size, id)),
    xyz: (id) => pos.get(id) ?? remember(pos, id, cellToXYZ(size, id)),
    isPentagon: (id) => isPentagon(size, id),
  }
}
