import t from 'tap'
import { World } from '../../src/engine/world.ts'
import { jsBackend } from '../../src/engine/tick.ts'
import { snapshotWorld, restoreWorld } from '../../src/engine/snapshot.ts'
import { chunkCount } from '../../src/engine/chunks.ts'
import { SH, SLOT_FLAG } from '../../src/engine/layout.ts'
import { TERRAIN } from '../../src/engine/content.ts'
import { neighbors } from '../../src/engine/geometry.ts'
import { run, hexdSync } from './helpers.ts'

const same = (a: Uint8Array, b: Uint8Array | undefined): boolean => b !== undefined && Buffer.from(a).equals(Buffer.from(b))


function hashes(seed: number, size: number, ticks: number, opts: Partial<ConstructorParameters<typeof World>[0]> = {}): string[] {
  const w = new World({ seed, size, allActive: true, ...opts })
  const out = [w.hash()]
  for (let k = 0; k < ticks; k++) out.push(w.step([]).hash)
  return out
}

t.test('same seed -> same hashes every tick; different seed -> different hash', async (t) => {
  const a = hashes(5, 16, 30), b = hashes(5, 16, 30)
  t.same(a, b)
  t.equal(new Set(a).size, a.length, 'the hash changes as the world evolves')
  t.not(hashes(6, 16, 1)[1], a[1])
  t.match(a[30], /^[0-9a-f]{16}$/)
})

t.test('generation does not depend on chunk load order', async (t) => {
  const n = 100 // partial edge chunks (100 = 64 + 36)
  const count = chunkCount(n)
  const order1 = Array.from({ length: count }, (_, i) => i)
  const order2 = [...order1].reverse()
  const w1 = new World({ seed: 9, size: n, allActive: false })
  const w2 = new World({ seed: 9, size: n, allActive: false })
  const bytes1 = new Map(order1.slice(0, 12).map((c) => { w1.chunkCells(c); return [c, w1.chunkBytes(c)] as const }))
  for (const c of order2.filter((c) => c < 12)) w2.chunkCells(c)
  for (const [c, b] of bytes1) t.ok(same(w2.chunkBytes(c), b), `chunk ${c} identical`)
  // Again, in a fresh world: identical.
  const w3 = new World({ seed: 9, size: n, allActive: false })
  w3.chunkCells(7)
  t.ok(same(w3.chunkBytes(7), bytes1.get(7)), 'regenerated chunk identical')
  // Another seed differs.
  const w4 = new World({ seed: 10, size: n, allActive: false })
  w4.chunkCells(7)
  t.notOk(same(w4.chunkBytes(7), bytes1.get(7)), 'another seed differs')
})

t.test('sleeping is exact: the same hashes with sleeping off; an inert chunk sleeps', async (t) => {
  t.same(hashes(3, 16, 40, { backend: jsBackend({ sleep: false }) }), hashes(3, 16, 40))
  // An ocean world: every chunk reaches a fixed point and sleeps.
  const w = new World({ seed: 3, size: 16, allActive: true })
  for (let i = 0; i < 10 * 256; i++) w.debugSetCell(2 + i, { terrain: TERRAIN.WATER, res: 0, amt: 0 })
  run(w, 2)
  const hdr = w.chunks.slots[w.chunks.slotOf(0)!]!.hdr
  t.ok((hdr[SH.FLAGS] & SLOT_FLAG.ASLEEP) !== 0, 'an all-water chunk sleeps')
  t.equal(w.step([]).cellsUpdated, 0, 'a settled world costs no cell updates')
  // Life on one island wakes its chunk (and only chunks whose halo changes).
  for (let i = 0; i < 16; i++) w.debugSetCell(2 + 5 * 256 + 8 * 16 + i, { terrain: TERRAIN.GRASS, res: i % 2 ? 1 : 0, amt: i % 2 ? 30 : 0 })
  const r = w.step([])
  t.ok(r.cellsUpdated > 0 && r.cellsUpdated < 10 * 256, `cells updated ${r.cellsUpdated}: the island's chunk only`)
})

t.test('snapshot/restore gives the same hash and the same future', async (t) => {
  const w = new World({ seed: 11, size: 16, allActive: true })
  w.step([{ type: 'join', player: 'p', cell: 2 + 3 * 256 + 8 * 16 + 8 }])
  run(w, 5)
  const snap = snapshotWorld(w)
  const r = restoreWorld(snap)
  t.equal(r.hash(), w.hash())
  t.equal(r.tick, w.tick)
  t.same(r.playerList(), w.playerList())
  for (let k = 0; k < 5; k++) t.equal(r.step([]).hash, w.step([]).hash)
})

t.test('player-region worlds: chunks near players are active, their neighbours resident', async (t) => {
  const w = new World({ seed: 1, size: 256, activeRadius: 0 })
  t.same(w.activeChunks(), [], 'nobody there: nothing ticks')
  const r = w.step([{ type: 'join', player: 'a', cell: 2 + 20 * 256 + 5 }])
  t.ok(r.results[0].ok)
  t.same(w.activeChunks(), [0])
  t.ok(w.residentChunks().length > 1)
  t.equal(w.step([{ type: 'leave', player: 'a' }]).results[0].ok, true)
  t.same(w.activeChunks(), [], 'left: nothing active')
})

t.test('a chunk holding structures stays active (and keeps producing) after its player leaves', async (t) => {
  const n = 256
  const w = new World({ seed: 1, size: n, activeRadius: 0 })
  // Find buildable ground well inside some chunk.
  let spot: ReturnType<World['cell']> | undefined
  let chunk = -1
  for (let c = 5; c < 160 && !spot; c++) {
    chunk = c
    spot = w.chunkCells(c).find((x, k) => k % 64 > 2 && k % 64 < 60 && k > 64 * 3 && k < 64 * 60 && [2, 3, 4, 5].includes(x.terrain) && x.res === 0 &&
      [1, 3].every((d) => [2, 3, 4, 5].includes(w.cell(neighbors(n, x.id)[d]).terrain)))
  }
  t.ok(spot, `found a spot in chunk ${chunk}`)
  if (!spot) return
  const solar = neighbors(n, spot.id)[3], out = neighbors(n, spot.id)[1]
  const r = w.step([
    { type: 'join', player: 'p', cell: spot.id },
    { type: 'place', player: 'p', cell: spot.id, proto: 'smelter', dir: 1, recipe: 'iron_plate' },
    { type: 'place', player: 'p', cell: solar, proto: 'solar' },
    { type: 'place', player: 'p', cell: out, proto: 'storage', recipe: 'iron_plate' },
  ])
  t.ok(r.results.every((x) => x.ok), JSON.stringify(r.results))
  w.debugSetCell(spot.id, { inA: 5 })
  t.ok(w.step([{ type: 'leave', player: 'p' }]).results[0].ok)
  t.same(w.activeChunks(), [chunk], 'the factory chunk is still ticked with nobody online')
  for (let k = 0; k < 80; k++) w.step([])
  t.equal(w.production().iron_plate, 5, 'all five plates made while the player was away')
  t.equal(w.cell(out).stock, 5, 'and stored')
  // Removing the structures lets the chunk go.
  w.step([{ type: 'join', player: 'p' }])
  const rm = w.step([{ type: 'remove', player: 'p', cell: spot.id }, { type: 'remove', player: 'p', cell: solar }, { type: 'remove', player: 'p', cell: out }, { type: 'leave', player: 'p' }])
  t.ok(rm.results.every((x) => x.ok))
  w.step([])
  t.same(w.activeChunks(), [], 'no structures, nobody online: nothing ticks')
  t.ok(w.modifiedChunks().includes(chunk), 'the chunk is remembered as modified (owned cells)')
  t.equal(w.player('p')!.inventory.iron_plate, 5, 'the stored plates went to the inventory')
})

t.test('same hash across processes (bin/hexd sim twice), different seed differs', async (t) => {
  const sim = (seed: number) => {
    const p = hexdSync('sim', '--seed', String(seed), '--size', '8', '--ticks', '15', '--compute', 'js', '--json')
    t.equal(p.status, 0, p.stderr)
    return JSON.parse(p.stdout) as { hash: string; seed: number; size: number; ticks: number; cellUpdatesPerSecond: number }
  }
  const a = sim(21), b = sim(21), c = sim(22)
  t.equal(a.hash, b.hash)
  t.not(a.hash, c.hash)
  t.same([a.seed, a.size, a.ticks], [21, 8, 15])
  t.ok(a.cellUpdatesPerSecond > 0)
  t.equal(a.hash, hashes(21, 8, 15)[15], 'the CLI and the in-process world agree')
})

t.test('reading a far chunk does not change the hash, and snapshots taken after it restore to the same future', async (t) => {
  const w = new World({ seed: 2, size: 256, activeRadius: 0 })
  w.step([{ type: 'join', player: 'p', cell: 2 + 4 * 65536 + 100 * 256 + 100 }])
  const h = w.hash()
  w.chunkCells(150) // loads a chunk nobody needs
  t.ok(w.residentChunks().includes(150))
  t.equal(w.hash(), h, 'a read-only load is not state')
  const r = restoreWorld(snapshotWorld(w))
  t.equal(r.hash(), h)
  for (let k = 0; k < 3; k++) t.equal(r.step([]).hash, w.step([]).hash)
  t.notOk(w.residentChunks().includes(150), 'dropped at the next step')
})
