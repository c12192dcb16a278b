// Hex-sphere geometry, checked exhaustively on every cell for small sizes
// (n = 1..12): counts, pentagons, degree sums, symmetry, connectivity, every
// neighbour nearer than every non-neighbour (brute force), neighbour order,
// id <-> lattice and id <-> xyz round trips, and nearest-cell lookups of
// random points against brute force.
import t from 'tap'
import fc from 'fast-check'
import * as g from '../../src/engine/geometry.ts'
import { VERTICES } from '../../src/engine/icosa.ts'
import { Failures, cross, dist2, dot } from './geometry-helpers.ts'

const SMALL = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]

t.test('the icosahedron: 12 unit vertices, 30 equal edges, 5 per vertex', async (t) => {
  t.equal(VERTICES.length, 12)
  for (const v of VERTICES) t.ok(Math.abs(dot(v, v) - 1) < 1e-15, `vertex ${v} is a unit vector`)
  const d2 = VERTICES.flatMap((p, i) => VERTICES.slice(i + 1).map((q) => dist2(p, q)))
  const edge = Math.min(...d2)
  t.equal(d2.filter((x) => Math.abs(x - edge) < 1e-12).length, 30, '30 shortest distances, all equal')
})

for (const n of SMALL) {
  t.test(`size ${n}: counts, pentagons, degrees, symmetry, connectivity`, async (t) => {
    const C = g.cellCount(n)
    t.equal(C, 10 * n * n + 2)
    let degreeSum = 0
    const pentagons: number[] = []
    const bad = new Failures()
    const nbs: number[][] = []
    for (let id = 0; id < C; id++) {
      const nb = g.neighbors(n, id)
      nbs.push(nb)
      degreeSum += nb.length
      if (nb.length === 5) pentagons.push(id)
      if (nb.length !== 5 && nb.length !== 6) bad.add(`${id} has ${nb.length} neighbours`)
      if (new Set(nb).size !== nb.length || nb.includes(id)) bad.add(`${id} has duplicate/self neighbours ${nb}`)
      if (nb.some((x) => !Number.isInteger(x) || x < 0 || x >= C)) bad.add(`${id} has an out-of-range neighbour ${nb}`)
      if (g.isPentagon(n, id) !== (nb.length === 5)) bad.add(`isPentagon(${id}) disagrees with its ${nb.length} neighbours`)
    }
    t.equal(bad.count, 0, `every cell has 5 or 6 distinct valid neighbours ${bad.list()}`)
    t.equal(pentagons.length, 12, 'exactly 12 pentagons')
    const expected = [0, 1, ...Array.from({ length: 10 }, (_, d) => 2 + d * n * n + (n - 1) * n)]
    t.same(pentagons, expected.sort((x, y) => x - y), 'the pentagons are the poles and each diamond corner (n, 0)')
    t.equal(degreeSum, 6 * C - 12, 'degree sum is 6C − 12')
    const asym = new Failures()
    for (let id = 0; id < C; id++) for (const x of nbs[id]) if (!nbs[x].includes(id)) asym.add(`${id}->${x}`)
    t.equal(asym.count, 0, `neighbourhood is symmetric ${asym.list()}`)
    // Connectivity: BFS from the north pole reaches every cell.
    const seen = new Uint8Array(C)
    const queue = [0]
    seen[0] = 1
    for (let q = 0; q < queue.length; q++) for (const x of nbs[queue[q]]) if (!seen[x]) { seen[x] = 1; queue.push(x) }
    t.equal(queue.length, C, 'BFS from the north pole reaches every cell')
  })

  t.test(`size ${n}: geometry (brute force): neighbours are the nearest cells, ccw order`, async (t) => {
    const C = g.cellCount(n)
    const xyz = Array.from({ length: C }, (_, id) => g.cellToXYZ(n, id))
    const unit = new Failures(), near = new Failures(), order = new Failures()
    for (let id = 0; id < C; id++) {
      const p = xyz[id]
      if (Math.abs(dot(p, p) - 1) > 1e-14) unit.add(`${id}`)
      const nb = g.neighbors(n, id)
      const inNb = new Set(nb)
      const maxNb = Math.max(...nb.map((x) => dist2(p, xyz[x])))
      let minOther = Infinity, other = -1
      for (let x = 0; x < C; x++) {
        if (x === id || inNb.has(x)) continue
        const d = dist2(p, xyz[x])
        if (d < minOther) { minOther = d; other = x }
      }
      if (!(maxNb < minOther)) near.add(`cell ${id}: non-neighbour ${other} is as near as a neighbour`)
      // Consecutive neighbours turn counter-clockwise seen from outside.
      for (let s = 0; s < nb.length; s++) {
        const u = xyz[nb[s]].map((c, k) => c - p[k])
        const v = xyz[nb[(s + 1) % nb.length]].map((c, k) => c - p[k])
        if (!(dot(cross(u, v), p) > 0)) order.add(`cell ${id}: neighbours ${s},${s + 1} not counter-clockwise`)
      }
    }
    t.equal(unit.count, 0, `every position is a unit vector ${unit.list()}`)
    t.equal(near.count, 0, `every neighbour is nearer than every non-neighbour ${near.list()}`)
    t.equal(order.count, 0, `neighbours are listed counter-clockwise ${order.list()}`)
  })

  t.test(`size ${n}: round trips id <-> lattice, id <-> xyz`, async (t) => {
    const C = g.cellCount(n)
    const lat = new Failures(), pos = new Failures(), ll = new Failures()
    for (let id = 0; id < C; id++) {
      const { d, a, b } = g.cellToLattice(n, id)
      if (g.latticeToCell(n, d, a, b) !== id) lat.add(`${id}`)
      if (id >= 2 && !(a >= 1 && a <= n && b >= 0 && b < n && d >= 0 && d < 10)) lat.add(`${id} -> (${d},${a},${b}) out of range`)
      const [x, y, z] = g.cellToXYZ(n, id)
      if (g.xyzToCell(n, x, y, z) !== id) pos.add(`${id}`)
      if (g.xyzToCell(n, 3 * x, 3 * y, 3 * z) !== id) pos.add(`${id} (scaled)`)
      const { lat: la, lon } = g.cellToLatLon(n, id)
      const back = [Math.cos((la * Math.PI) / 180) * Math.cos((lon * Math.PI) / 180), Math.cos((la * Math.PI) / 180) * Math.sin((lon * Math.PI) / 180), Math.sin((la * Math.PI) / 180)]
      if (dist2(back, [x, y, z]) > 1e-20) ll.add(`${id}`)
    }
    t.equal(lat.count, 0, `latticeToCell(cellToLattice(id)) = id ${lat.list()}`)
    t.equal(pos.count, 0, `xyzToCell(cellToXYZ(id)) = id ${pos.list()}`)
    t.equal(ll.count, 0, `lat/lon give back the unit vector ${ll.list()}`)
  })
}

t.test('seams: each diamond edge is crossed by exactly 2n−1 neighbour links, and only those', async (t) => {
  // Diamond edges: north k – north k+1, north k – south k−1, north k – south k, south k – south k+1.
  const expected = new Set<string>()
  const link = (x: number, y: number) => { expected.add(`${x}-${y}`); expected.add(`${y}-${x}`) }
  for (let k = 0; k < 5; k++) { link(k, (k + 1) % 5); link(k, 5 + (k + 4) % 5); link(k, 5 + k); link(5 + k, 5 + (k + 1) % 5) }
  for (const n of SMALL) {
    const diamond = (id: number) => (id < 2 ? (id === 0 ? 'N' : 'S') : String(Math.floor((id - 2) / (n * n))))
    const links = new Map<string, number>()
    for (let id = 0; id < g.cellCount(n); id++) {
      for (const x of g.neighbors(n, id)) {
        const key = `${diamond(id)}-${diamond(x)}`
        if (diamond(id) !== diamond(x)) links.set(key, (links.get(key) ?? 0) + 1)
      }
    }
    const wrong = [...links].filter(([key, count]) => {
      if (/N|S/.test(key)) return count !== 1 || !/^(N-[0-4]|[0-4]-N|S-[5-9]|[5-9]-S)$/.test(key)
      return !expected.has(key) || count !== 2 * n - 1
    })
    t.same(wrong, [], `size ${n}: seam links`)
    t.equal([...links.keys()].filter((k) => !/N|S/.test(k)).length, 40, `size ${n}: all 20 diamond edges are crossed`)
  }
})

t.test('xyzToCell returns the nearest cell for random points (brute force)', async (t) => {
  const point = fc.tuple(fc.double({ min: -1, max: 1, noNaN: true }), fc.double({ min: -1, max: 1, noNaN: true }), fc.double({ min: -1, max: 1, noNaN: true }))
    .filter(([x, y, z]) => x * x + y * y + z * z > 1e-6)
  const cache = new Map<number, Array<[number, number, number]>>()
  const centres = (n: number) => {
    if (!cache.has(n)) cache.set(n, Array.from({ length: g.cellCount(n) }, (_, id) => g.cellToXYZ(n, id)))
    return cache.get(n)!
  }
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 40 }), point, (n, [x, y, z]) => {
      const len = Math.sqrt(x * x + y * y + z * z)
      const p = [x / len, y / len, z / len]
      const got = g.xyzToCell(n, x, y, z)
      const best = Math.min(...centres(n).map((c) => dist2(p, c)))
      // The returned cell is a nearest one (ties within rounding are allowed).
      return dist2(p, centres(n)[got]) <= best * (1 + 1e-9)
    }),
    { numRuns: 2000 },
  )
  t.pass('2000 random points resolved to their nearest cell')
})

t.test('size 1 is the icosahedron itself', async (t) => {
  t.equal(g.cellCount(1), 12)
  for (let id = 0; id < 12; id++) {
    t.equal(g.neighbors(1, id).length, 5)
    const p = g.cellToXYZ(1, id)
    t.ok(VERTICES.some((v) => dist2(v, p) < 1e-28), `cell ${id} sits on an icosahedron vertex`)
  }
  t.same(g.neighbors(1, 0), [2, 3, 4, 5, 6], 'N touches U0..U4')
})

t.test('positions: the poles and the integer noise position', async (t) => {
  t.same(g.cellToXYZ(7, 0), [0, 0, 1])
  t.same(g.cellToXYZ(7, 1), [0, 0, -1])
  t.same(g.cellToLatLon(7, 1), { lat: -90, lon: 0 })
  t.same(g.cellToIntXYZ(7, 0), [0, 0, 1048576])
  for (const n of [1, 5, 12]) {
    for (let id = 0; id < g.cellCount(n); id++) {
      const u = g.cellToXYZ(n, id)
      const iv = g.cellToIntXYZ(n, id)
      if (!iv.every((v, k) => Number.isInteger(v) && Math.abs(v - u[k] * 1048576) <= 0.5)) t.fail(`cellToIntXYZ(${n}, ${id}) = ${iv}`)
    }
  }
  // Pinned values: a C++ port of the documented operation order must print these.
  t.same(g.cellToIntXYZ(5, 2), [206750, 0, 1027991])
  t.same(g.cellToIntXYZ(5, 127), [422822, 908050, 310126])
  t.same(g.cellToIntXYZ(1000, 7654321), [-843956, -347198, -516434])
})

t.test('bad input is rejected with a clear, typed error', async (t) => {
  for (const n of [0, -1, 1.5, NaN, 2 ** 24 + 1]) {
    t.throws(() => g.cellCount(n), { code: 'HEXD_BAD_OPTION', field: 'size' }, `size ${n}`)
  }
  t.throws(() => g.neighbors(3, 92), { code: 'HEXD_BAD_CELL', field: 'cell', message: /got 92/ })
  t.throws(() => g.cellToXYZ(3, -1), { code: 'HEXD_BAD_CELL' })
  t.throws(() => g.cellToLattice(3, 2.5), { code: 'HEXD_BAD_CELL' })
  t.throws(() => g.xyzToCell(3, 0, 0, 0), { code: 'HEXD_BAD_OPTION', field: 'xyz' })
  t.throws(() => g.xyzToCell(3, NaN, 0, 1), { code: 'HEXD_BAD_OPTION', field: 'xyz' })
})
