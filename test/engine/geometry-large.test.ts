// Hex-sphere geometry on large sizes (13 .. 2^24), checked locally on random
// cells biased to diamond seams and corners: symmetric neighbours, 5 only at
// pentagons, neighbours nearer than the second ring, round trips, nearest-cell
// lookups of perturbed points, and the 2^24 extremes (ids past 2^32).
import t from 'tap'
import fc from 'fast-check'
import * as g from '../../src/engine/geometry.ts'
import { dist2, largeCell, largeSize } from './geometry-helpers.ts'

/** Second ring: neighbours of neighbours, minus the first ring and the cell. */
function secondRing(n: number, id: number, ring1: number[]): number[] {
  const skip = new Set([id, ...ring1])
  const out = new Set<number>()
  for (const x of ring1) for (const y of g.neighbors(n, x)) if (!skip.has(y)) out.add(y)
  return [...out]
}

t.test('neighbours are symmetric, 5 exactly at the 12 pentagons, 6 elsewhere', async (t) => {
  fc.assert(
    fc.property(largeCell, ({ n, id }) => {
      const nb = g.neighbors(n, id)
      const { d, a, b } = g.cellToLattice(n, id)
      const pent = id < 2 || (a === n && b === 0)
      if (nb.length !== (pent ? 5 : 6) || g.isPentagon(n, id) !== pent) return false
      if (new Set(nb).size !== nb.length || nb.includes(id)) return false
      if (!nb.every((x) => Number.isSafeInteger(x) && x >= 0 && x < g.cellCount(n))) return false
      void d
      return nb.every((x) => g.neighbors(n, x).includes(id))
    }),
    { numRuns: 3000 },
  )
  t.pass('3000 random cells')
})

t.test('every neighbour is nearer than every cell of the second ring (seams included)', async (t) => {
  fc.assert(
    fc.property(largeCell, ({ n, id }) => {
      const p = g.cellToXYZ(n, id)
      const ring1 = g.neighbors(n, id)
      const ring2 = secondRing(n, id, ring1)
      // In a hex lattice the second ring has 12 cells (fewer next to a pentagon).
      if (ring2.length < 9 || ring2.length > 12) return false
      const maxNb = Math.max(...ring1.map((x) => dist2(p, g.cellToXYZ(n, x))))
      const minR2 = Math.min(...ring2.map((x) => dist2(p, g.cellToXYZ(n, x))))
      return maxNb < minR2
    }),
    { numRuns: 2000 },
  )
  t.pass('2000 random cells')
})

t.test('round trips: id <-> lattice, id <-> xyz, id <-> lat/lon', async (t) => {
  fc.assert(
    fc.property(largeCell, ({ n, id }) => {
      const { d, a, b } = g.cellToLattice(n, id)
      if (g.latticeToCell(n, d, a, b) !== id) return false
      const [x, y, z] = g.cellToXYZ(n, id)
      if (g.xyzToCell(n, x, y, z) !== id) return false
      const { lat, lon } = g.cellToLatLon(n, id)
      const r = Math.PI / 180
      const back = [Math.cos(lat * r) * Math.cos(lon * r), Math.cos(lat * r) * Math.sin(lon * r), Math.sin(lat * r)]
      return dist2(back, [x, y, z]) < 1e-24
    }),
    { numRuns: 3000 },
  )
  t.pass('3000 random cells')
})

t.test('xyzToCell: a point near a cell resolves to the nearest cell around it', async (t) => {
  const jitter = fc.tuple(fc.double({ min: -0.7, max: 0.7, noNaN: true }), fc.double({ min: -0.7, max: 0.7, noNaN: true }), fc.double({ min: -0.7, max: 0.7, noNaN: true }))
  fc.assert(
    fc.property(largeCell, jitter, ({ n, id }, [jx, jy, jz]) => {
      const c = g.cellToXYZ(n, id)
      const h = 1.1 / n // about one cell spacing
      const p = [c[0] + jx * h, c[1] + jy * h, c[2] + jz * h]
      const len = Math.hypot(p[0], p[1], p[2])
      const u = p.map((v) => v / len)
      const got = g.xyzToCell(n, p[0], p[1], p[2])
      const ring1 = g.neighbors(n, id)
      const around = [id, ...ring1, ...secondRing(n, id, ring1)]
      if (!around.includes(got)) return false
      const dGot = dist2(u, g.cellToXYZ(n, got))
      // Nearest up to rounding: symmetric points can tie to the last bits. Centres
      // carry ~2e-16 absolute error against a spacing of ~1/n, so squared
      // distances compare only to a relative ~4e-16·n.
      const tol = 1 + 1e-9 + 4e-15 * n
      return around.every((x) => dGot <= dist2(u, g.cellToXYZ(n, x)) * tol)
    }),
    { numRuns: 2000 },
  )
  t.pass('2000 perturbed points')
})

t.test('the largest size, 2^24: ids past 2^32 stay exact', async (t) => {
  const n = 2 ** 24
  const C = g.cellCount(n)
  t.equal(C, 10 * 2 ** 48 + 2)
  t.ok(Number.isSafeInteger(C))
  const last = C - 1
  t.same(g.cellToLattice(n, last), { d: 9, a: n, b: n - 1 })
  t.ok(g.neighbors(n, last).includes(1), 'the last cell touches the south pole')
  t.ok(g.neighbors(n, 1).includes(last), 'and the south pole touches it')
  t.throws(() => g.neighbors(n, C), { code: 'HEXD_BAD_CELL' })
  let pent = 0
  for (let d = 0; d < 10; d++) {
    const id = 2 + d * n * n + (n - 1) * n
    if (g.isPentagon(n, id) && g.neighbors(n, id).length === 5) pent++
    t.equal(g.xyzToCell(n, ...g.cellToXYZ(n, id)), id, `corner of diamond ${d} round-trips`)
  }
  t.equal(pent, 10, 'the 10 diamond corners are pentagons')
  t.equal(g.neighbors(n, 0).length, 5)
})

t.test('cellCount over random sizes', async (t) => {
  fc.assert(fc.property(largeSize, (n) => g.cellCount(n) === 10 * n * n + 2 && Number.isSafeInteger(g.cellCount(n))))
  t.pass('10n²+2, a safe integer')
})
