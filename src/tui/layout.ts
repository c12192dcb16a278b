/**
 * The local map: which cell sits at each (row, col) of the terminal's hex grid
 * around a centre cell.
 *
 * The sphere is not a flat grid (12 pentagons, diamond seams where the lattice
 * axes turn), so the layout is *walked*: breadth-first from the centre over
 * `geo.neighbors`, each step placed in the direction (one of the 6 hex
 * directions of the screen) nearest to the step's 3D direction projected onto
 * the centre's tangent plane. The screen's "up" is the `heading` passed in
 * (default: geographic north); walking carries the previous view's heading
 * over to the new centre (projected onto its tangent plane), so a walk goes
 * straight on over a pole or a seam instead of spinning round. The frame is
 * then turned by less than 30° so that the centre's neighbour nearest to
 * screen-east lies exactly east (the lattice lines up with the screen). Where two walks
 * claim one screen slot (the 60° gap around a pentagon) the first one (fewest
 * steps from the centre) keeps it; a slot nobody reaches stays empty (-1).
 *
 * Screen rows are "odd-r" offset rows: odd rows are drawn half a cell right.
 *
 * @example
 * const view = buildLocalView(geo, centre, 17, 23)
 * view.at(8, 11) === centre  // the centre sits in the middle
 */
import type { Geo } from './types.ts'

/** Hex directions on screen, counter-clockwise from east: axial (dq, dr), r grows downwards. */
export const SCREEN_DIRS: ReadonlyArray<readonly [number, number]> = [
  [1, 0], [1, -1], [0, -1], [-1, 0], [-1, 1], [0, 1],
]

export interface LocalView {
  centre: number
  rows: number
  cols: number
  /** Screen row and column of the centre. */
  centreRow: number
  centreCol: number
  /** Cell id at (row, col), or -1 for an empty slot / outside. */
  at(row: number, col: number): number
  /** Screen position of a cell, if it is on screen. */
  where(id: number): [number, number] | undefined
  /** How many cells are placed. */
  placed: number
  /** Screen-up direction used (a unit tangent vector at the centre): pass it to the next view when walking. */
  heading: V3
}

export type V3 = [number, number, number]
const dot = (a: V3, b: V3) => a[0] * b[0] + a[1] * b[1] + a[2] * b[2]
const sub = (a: V3, b: V3): V3 => [a[0] - b[0], a[1] - b[1], a[2] - b[2]]
const cross = (a: V3, b: V3): V3 => [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]]
const norm = (a: V3): V3 => { const l = Math.hypot(a[0], a[1], a[2]) || 1; return [a[0] / l, a[1] / l, a[2] / l] }

/**
 * East/north unit vectors of the tangent plane at `up`, north being `heading`
 * projected onto the plane (default the +z axis; at a pole, where that
 * vanishes, the +x axis: any fixed choice works).
 */
function tangentFrame(up: V3, heading?: V3): { east: V3; north: V3 } {
  for (const h of [heading, [0, 0, 1] as V3, [1, 0, 0] as V3]) {
    if (!h) continue
    const k = dot(h, up)
    const north: V3 = [h[0] - k * up[0], h[1] - k * up[1], h[2] - k * up[2]]
    if (Math.hypot(...north) < 1e-6) continue
    const n = norm(north)
    return { east: norm(cross(n, up)), north: n }
  }
  throw new Error('unreachable: +z and +x cannot both be parallel to up')
}

/** Converts axial (q, r) around the centre to the screen (row, col) of an odd-r grid. */
function toScreen(q: number, r: number, centreRow: number, centreCol: number): [number, number] {
  const row = centreRow + r
  const q0 = centreCol - (centreRow - (centreRow & 1)) / 2
  const col = q0 + q + (row - (row & 1)) / 2
  return [row, col]
}

/**
 * Lays out the cells around `centre` on a rows × cols screen grid (the centre
 * in the middle). Cost: one neighbours call per placed cell.
 */
export function buildLocalView(geo: Geo, centre: number, rows: number, cols: number, heading?: V3): LocalView {
  const centreRow = Math.floor(rows / 2)
  const centreCol = Math.floor((cols - 1) / 2)
  const grid = new Float64Array(rows * cols).fill(-1)
  const pos = new Map<number, [number, number]>()
  const axial = new Map<number, [number, number]>()

  const up = geo.xyz(centre)
  const { east, north } = tangentFrame(up, heading)
  const angleOf = (from: number, to: number): number => {
    const d = sub(geo.xyz(to), geo.xyz(from))
    return Math.atan2(dot(d, north), dot(d, east))
  }
  // Turn the frame so the centre's neighbour closest to east is exactly east:
  // the lattice then lines up with the screen at the centre, where it matters most.
  let turn = 0
  let best = Infinity
  for (const nb of geo.neighbors(centre)) {
    const a = angleOf(centre, nb)
    if (Math.abs(a) < best) { best = Math.abs(a); turn = a }
  }
  const dirOf = (from: number, to: number): number => {
    const a = angleOf(from, to) - turn
    return ((Math.round(a / (Math.PI / 3)) % 6) + 6) % 6
  }

  const place = (id: number, q: number, r: number): boolean => {
    const [row, col] = toScreen(q, r, centreRow, centreCol)
    if (row < 0 || row >= rows || col < 0 || col >= cols) return false
    if (grid[row * cols + col] !== -1) return false
    grid[row * cols + col] = id
    pos.set(id, [row, col])
    axial.set(id, [q, r])
    return true
  }

  place(centre, 0, 0)
  const seen = new Set<number>([centre])
  const queue = [centre]
  for (let head = 0; head < queue.length; head++) {
    const cur = queue[head]!
    const [q, r] = axial.get(cur)!
    for (const nb of geo.neighbors(cur)) {
      if (seen.has(nb)) continue
      seen.add(nb)
      // On a tiny world the walk would wrap around to the far side: stop at the horizon.
      if (dot(geo.xyz(nb), up) < 0.25) continue
      const [dq, dr] = SCREEN_DIRS[dirOf(cur, nb)]!
      if (place(nb, q + dq, r + dr)) queue.push(nb)
    }
  }

  return {
    centre, rows, cols, centreRow, centreCol, placed: pos.size, heading: north,
    at: (row, col) => (row < 0 || row >= rows || col < 0 || col >= cols ? -1 : grid[row * cols + col]!),
    where: (id) => pos.get(id),
  }
}

/**
 * The screen neighbour of (row, col) in direction `dir` (index into SCREEN_DIRS),
 * following the odd-r offset rule.
 */
export function screenStep(row: number, col: number, dir: number): [number, number] {
  const [dq, dr] = SCREEN_DIRS[dir]!
  const q = col - (row - (row & 1)) / 2 + dq
  const r = row + dr
  return [r, q + (r - (r & 1)) / 2]
}
