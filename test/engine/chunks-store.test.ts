import t from 'tap'
import { World } from '../../src/engine/world.ts'
import { CHUNK_BYTES } from '../../src/engine/chunkset.ts'

const join = (cell: number) => ({ type: 'join', player: 'p', cell })

t.test('the slot buffer grows as chunks load, with the same results as a large one', async (t) => {
  const small = new World({ seed: 8, size: 256, capacity: 2 })
  const big = new World({ seed: 8, size: 256, capacity: 256 })
  const v0 = small.bufferVersion
  const cell = 2 + 3 * 256 * 256 + 100 * 256 + 100
  for (const w of [small, big]) w.step([join(cell)])
  t.ok(small.bufferVersion > v0, 'the small buffer was replaced by a larger one')
  for (let k = 0; k < 5; k++) t.equal(small.step([]).hash, big.step([]).hash)
  t.same(small.residentChunks(), big.residentChunks())
})

t.test('chunk bytes round-trip through loadChunk (what the store does)', async (t) => {
  const a = new World({ seed: 8, size: 16, allActive: true })
  const cell = 2 + 2 * 256 + 8 * 16 + 8
  a.step([join(cell), { type: 'claim', player: 'p', cell }])
  for (let k = 0; k < 10; k++) a.step([])
  t.ok(a.modifiedChunks().includes(2))
  const stored = new Map(a.modifiedChunks().map((c) => [c, a.chunkBytes(c)]))
  for (const b of stored.values()) t.equal(b.length, CHUNK_BYTES)
  const b = new World({ seed: 8, size: 16, allActive: true, loadChunk: (c) => stored.get(c) })
  t.same(b.cell(cell), a.cell(cell), 'the claimed cell comes back')
  t.equal(b.chunkHash(2), a.chunkHash(2))
  t.throws(() => new World({ seed: 8, size: 16, allActive: true, loadChunk: (c) => (c === 3 ? new Uint8Array(10) : undefined) }), { code: 'HEXD_BAD_STORED_DATA' })
  t.throws(() => new World({ seed: 8, size: 16, allActive: true, loadChunk: (c) => (c === 3 ? stored.get(2) : undefined) }), { code: 'HEXD_BAD_STORED_DATA' }, 'bytes of another chunk')
})

t.test('diffs list exactly the changed cells with their new fields', async (t) => {
  const w = new World({ seed: 8, size: 16, allActive: true })
  const before = new Map<number, string>()
  for (let c = 0; c < 10; c++) for (const x of w.chunkCells(c)) before.set(x.id, JSON.stringify(x))
  const r = w.step([])
  const diffs = w.diffs()
  const listed = new Set(diffs.flatMap((d) => d.cells.map((c) => c.id)))
  let changed = 0
  for (let c = 0; c < 10; c++) {
    for (const x of w.chunkCells(c)) {
      const was = before.get(x.id)!
      if (was !== JSON.stringify(x)) { changed++; t.ok(listed.has(x.id) || t.fail(`cell ${x.id} changed but is not in the diff`)) }
      else if (listed.has(x.id)) t.fail(`cell ${x.id} is in the diff but did not change`)
    }
  }
  t.ok(changed > 0, `${changed} cells changed`)
  t.equal(listed.size, changed)
  t.same(diffs.map((d) => d.chunk), r.changedChunks)
})

t.test('a storage receiving an item (a u16 change only) shows up in the diff', async (t) => {
  const { isolate, set, lat } = await import('./helpers.ts')
  const { neighbors } = await import('../../src/engine/geometry.ts')
  const { ITEM, prototypeByName } = await import('../../src/engine/content.ts')
  const n = 16
  const w = new World({ seed: 8, size: n, allActive: true })
  const c = lat(n, 4, 8, 8)
  isolate(w, c, 2, 5)
  const c1 = neighbors(n, c)[1], st = neighbors(n, c1)[1]
  set(w, c, { struct: prototypeByName('conveyor')!.id, dir: 1, recipe: 4, item: ITEM.gear, count: 1 })
  set(w, c1, { struct: prototypeByName('conveyor')!.id, dir: 1, recipe: 4 })
  set(w, st, { struct: prototypeByName('storage')!.id, recipe: ITEM.gear })
  w.step([]) // c -> c1
  w.step([]) // c1 -> storage: the storage changes only in its u16 STOCK plane
  const cells = w.diffs().flatMap((d) => d.cells)
  t.ok(cells.some((x) => x.id === st && x.stock === 1), 'the storage cell with stock 1 is in the diff')
  t.ok(cells.some((x) => x.id === c1 && x.count === 0), 'the emptied conveyor too')
  t.notOk(cells.some((x) => x.id === c), 'the first conveyor did not change this step')
})
