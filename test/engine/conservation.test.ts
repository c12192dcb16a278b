// Property: item transfers never create or destroy items, whatever the
// conveyor/splitter/storage network, including across diamond seams, chunk
// borders and next to pentagons (where lattice frames rotate).
import t from 'tap'
import fc from 'fast-check'
import { World } from '../../src/engine/world.ts'
import { snapshotWorld, restoreWorld } from '../../src/engine/snapshot.ts'
import { isPentagon } from '../../src/engine/geometry.ts'
import { ITEM, prototypeByName } from '../../src/engine/content.ts'
import { disk, isolate, set } from './helpers.ts'

const P = (name: string) => prototypeByName(name)!.id

for (const n of [5, 8, 70]) {
  t.test(`items are conserved in random networks (n=${n})`, async (t) => {
    const cells = 10 * n * n + 2
    // Generate once; each run starts from a restored copy (fast).
    const snap = snapshotWorld(new World({ seed: 1, size: n, allActive: true }))
    const piece = fc.record({ kind: fc.integer({ min: 0, max: 4 }), dir: fc.integer({ min: 0, max: 5 }), input: fc.integer({ min: 0, max: 5 }), loaded: fc.boolean() })
    fc.assert(fc.property(fc.integer({ min: 2, max: cells - 1 }), fc.array(piece, { minLength: 40, maxLength: 40 }), (center, pieces) => {
      const w = restoreWorld(snap)
      isolate(w, center, 3)
      const region = disk(n, center, 3).filter((c) => c >= 2 && !isPentagon(n, c))
      region.forEach((c, k) => {
        const p = pieces[k % pieces.length]
        if (p.kind === 1 || p.kind === 2) set(w, c, { struct: P(p.kind === 1 ? 'conveyor' : 'splitter'), dir: p.dir, recipe: p.input, item: p.loaded ? ITEM.gear : 0, count: p.loaded ? 1 : 0 })
        else if (p.kind === 3) set(w, c, { struct: P('storage'), recipe: ITEM.gear })
      })
      const total = () => region.reduce((s, c) => { const x = w.cell(c); return s + x.count + x.stock }, 0)
      const before = total()
      for (let k = 0; k < 8; k++) {
        w.step([])
        if (total() !== before) return false
      }
      return true
    }), { numRuns: n > 10 ? 20 : 40, seed: 12345 })
  })
}

t.test('a loop of conveyors around a pentagon circulates its items forever', async (t) => {
  const n = 8
  const w = new World({ seed: 2, size: n, allActive: true })
  // Pentagon U_1: north diamond 1's corner (a, b) = (n, 0).
  const pent = 2 + 1 * n * n + (n - 1) * n
  t.ok(isPentagon(n, pent))
  isolate(w, pent, 2)
  const { neighbors } = await import('../../src/engine/geometry.ts')
  const ring = neighbors(n, pent) // 5 cells around the pentagon, in ccw order, each adjacent to the next
  ring.forEach((c, k) => {
    const next = ring[(k + 1) % ring.length], prev = ring[(k + ring.length - 1) % ring.length]
    const nb = neighbors(n, c)
    t.ok(nb.includes(next) && nb.includes(prev), 'ring cells are adjacent')
    set(w, c, { struct: P('conveyor'), dir: nb.indexOf(next), recipe: nb.indexOf(prev), item: k < 2 ? ITEM.gear : 0, count: k < 2 ? 1 : 0 })
  })
  const seen = new Set<string>()
  for (let k = 0; k < 30; k++) {
    w.step([])
    const counts = ring.map((c) => w.cell(c).count)
    t.equal(counts.reduce((a, b) => a + b, 0), 2, `two items after tick ${k + 1}`)
    seen.add(counts.join(''))
  }
  t.ok(seen.size > 1, 'the items move')
})
