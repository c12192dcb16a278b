/**
 * The polygons drawn for cells: each cell is the fan of its centre and its 5 or
 * 6 corners on the unit sphere, a corner being the (normalised) centroid of the
 * cell and two neighbours that are next to each other around it, so
 * neighbouring tiles share corners and tile the sphere (the hex-sphere's dual).
 * Positions come from src/engine/geometry.ts, never from the server.
 * Pure: plain typed arrays, no three.js.
 *
 * @example
 * const t = buildTiles(16, [0, 1, 2], 0.92)
 * t.positions   // Float32Array of xyz, t.indices: triangles, t.first[k]/t.count[k]: cell k's vertices
 */
import { neighborsInto, unitXYZ, checkCell, checkSize } from '../../src/engine/geometry.ts'

type V3 = [number, number, number]

const norm = (v: V3): V3 => {
  const l = Math.hypot(v[0], v[1], v[2])
  return [v[0] / l, v[1] / l, v[2] / l]
}

/**
 * The corners of cell `id` of the world of frequency n, counter-clockwise seen
 * from outside the sphere, as unit vectors: 5 for a pentagon, 6 for a hexagon.
 * @example cellCorners(4, 0).length // => 5 (cell 0 is the north pole, a pentagon)
 */
export function cellCorners(n: number, id: number): V3[] {
  checkSize(n)
  checkCell(n, id)
  const c = unitXYZ(n, id)
  const nb: number[] = [0, 0, 0, 0, 0, 0]
  const k = neighborsInto(n, id, nb)
  // A tangent basis at c with e1 × e2 = c: increasing angle is counter-clockwise from outside.
  const ref: V3 = Math.abs(c[2]) < 0.9 ? [0, 0, 1] : [1, 0, 0]
  const e1 = norm([ref[1] * c[2] - ref[2] * c[1], ref[2] * c[0] - ref[0] * c[2], ref[0] * c[1] - ref[1] * c[0]])
  const e2: V3 = [c[1] * e1[2] - c[2] * e1[1], c[2] * e1[0] - c[0] * e1[2], c[0] * e1[1] - c[1] * e1[0]]
  const around = nb.slice(0, k).map((id2) => {
    const p = unitXYZ(n, id2)
    return { p, angle: Math.atan2(p[0] * e2[0] + p[1] * e2[1] + p[2] * e2[2], p[0] * e1[0] + p[1] * e1[1] + p[2] * e1[2]) }
  }).sort((x, y) => x.angle - y.angle)
  const out: V3[] = []
  for (let i = 0; i < k; i++) {
    const p = around[i].p, q = around[(i + 1) % k].p
    out.push(norm([c[0] + p[0] + q[0], c[1] + p[1] + q[1], c[2] + p[2] + q[2]]))
  }
  return out
}

/** Vertex and triangle arrays for a set of cells (see {@link buildTiles}). */
export interface Tiles {
  /** xyz per vertex: each cell's centre, then its corners. */
  positions: Float32Array
  /** Three vertex indices per triangle, counter-clockwise from outside. */
  indices: Uint32Array
  /** Cell k's first vertex and vertex count (1 + corners). */
  first: Uint32Array
  count: Uint8Array
}

/**
 * Tiles for `ids` (cell k of the result is ids[k]). `inset` in (0, 1] pulls the
 * corners toward the centre so a thin gap outlines every cell (1 = no gap).
 */
export function buildTiles(n: number, ids: readonly number[], inset = 1): Tiles {
  if (!(inset > 0 && inset <= 1)) throw new Error(`inset must be in (0, 1], got ${inset}`)
  const corners = ids.map((id) => cellCorners(n, id))
  const nv = corners.reduce((s, c) => s + 1 + c.length, 0)
  const nt = corners.reduce((s, c) => s + c.length, 0)
  const positions = new Float32Array(nv * 3)
  const indices = new Uint32Array(nt * 3)
  const first = new Uint32Array(ids.length)
  const count = new Uint8Array(ids.length)
  let v = 0, t = 0
  for (let k = 0; k < ids.length; k++) {
    const c = unitXYZ(n, ids[k])
    const cs = corners[k]
    first[k] = v
    count[k] = 1 + cs.length
    positions.set(c, v * 3)
    for (let i = 0; i < cs.length; i++) {
      const p = norm([c[0] + (cs[i][0] - c[0]) * inset, c[1] + (cs[i][1] - c[1]) * inset, c[2] + (cs[i][2] - c[2]) * inset])
      positions.set(p, (v + 1 + i) * 3)
      indices[t++] = v
      indices[t++] = v + 1 + i
      indices[t++] = v + 1 + ((i + 1) % cs.length)
    }
    v += 1 + cs.length
  }
  return { positions, indices, first, count }
}
