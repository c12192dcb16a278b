// The chunk memory budget (`--cache-mb`, PersistenceOptions.cacheBytes) with the
// real engine on each backend: modified chunks far from every player are
// flushed, evicted from memory and fetched back from the database when a step
// or a read needs them. The world's hash stays identical, tick by tick, to a
// world with no budget; a snapshot taken while chunks are evicted restores the
// same hash; an evicted chunk read between ticks is refused (HEXD_CHUNK_LOADING)
// and readable once fetched back.
import t from 'tap'
import { World, CHUNK_BYTES, cellToChunk, neighbors } from '../../src/engine/index.ts'
import { eachBackend, freshTarget } from './helpers.ts'
import { Persistence } from '../../src/store/persistence.ts'
import type { JournalAction } from '../../src/store/journal.ts'
import { touristCentre, touristScript } from '../../src/bench/tourists.ts'

const SEED = 11
const SIZE = 256 // 4×4 chunks per diamond, 162 chunks
const TOURISTS = 14

/** The centre of tourist k's chunk; the tourists stop after their second round. */
const centre = (k: number): number => touristCentre(SIZE, k)
const tourists = touristScript(SIZE, TOURISTS, () => 0)
function actionsFor(_world: World, tick: number): JournalAction[] {
  return tick > 2 * 3 * TOURISTS ? [] : tourists(tick)
}

eachBackend(t, 'a world over its memory budget keeps the hash of an unbounded one', async (t, backend) => {
  const where = await freshTarget(t, backend)
  const ticks = 2 * 3 * TOURISTS
  const reference = new World({ seed: SEED, size: SIZE })
  const budget = 4 * CHUNK_BYTES
  const p = await Persistence.open({ ...where, seed: SEED, size: SIZE, cacheBytes: budget, flushMs: 20, snapshotEvery: 100_000 })
  const w = p.world
  let maxEvicted = 0
  let readChecked = false
  for (let tick = 1; tick <= ticks; tick++) {
    const actions = actionsFor(w, tick)
    const expected = reference.step(actions)
    const r = await w.stepAsync(actions)
    const accepted = actions.filter((_, i) => r.results[i]?.ok)
    t.same(r.results, expected.results, `tick ${tick}: same action results`)
    p.onTick({ tick: r.tick, hash: r.hash, changedChunks: r.changedChunks, accepted })
    await p.commit(r.tick, accepted)
    if (r.hash !== expected.hash) { t.fail(`tick ${tick}: hash ${r.hash} differs from the unbounded world's ${expected.hash}`); break }
    if (tick % 3 === 0) {
      // Between ticks, like the daemon's timers: write behind, then keep the budget.
      await p.chunks.flushAll()
      p.enforceBudget()
      const ev = w.evictedChunks()
      maxEvicted = Math.max(maxEvicted, ev.length)
      if (!readChecked && ev.length > 0) {
        readChecked = true
        const c = ev[0]
        const evCell = [...Array(TOURISTS).keys()].map(centre).find((x) => cellToChunk(SIZE, x).chunk === c)!
        t.throws(() => w.cell(evCell), { code: 'HEXD_CHUNK_LOADING' }, 'reading an evicted chunk between ticks asks to retry')
        await w.loadEvicted([c])
        t.same(w.cell(evCell), reference.cell(evCell), 'and once fetched back it reads as in the unbounded world')
      }
      const mem = p.stats().memory
      t.ok(mem.parked * CHUNK_BYTES <= budget || tick < 3 * 5, `tick ${tick}: parked bytes ${mem.parked * CHUNK_BYTES} within the budget ${budget}`)
    }
  }
  t.equal(w.hash(), reference.hash(), 'same final hash')
  t.ok(maxEvicted >= TOURISTS - 6, `chunks were evicted (${maxEvicted} at most at once)`)
  t.ok(p.stats().memory.fetchedBack >= TOURISTS - 6, `evicted chunks were fetched back from the database (${p.stats().memory.fetchedBack})`)
  t.ok(w.evictedChunks().length > 0, 'some chunks are evicted at the end')
  t.same(w.production(), reference.production(), 'production counters include evicted chunks')

  // A snapshot with evicted chunks: their bytes come from the database.
  await p.close()
  const again = await Persistence.open({ ...where, seed: SEED, size: SIZE, cacheBytes: budget })
  t.match(again.recovery, { snapshotTick: ticks, headTick: ticks, replayedTicks: 0 }, 'the closing snapshot is at the head')
  t.equal(again.world.hash(), reference.hash(), 'a snapshot taken while chunks were evicted restores the same hash')
  for (const k of [0, 7, TOURISTS - 1]) t.same(again.world.cell(centre(k)), reference.cell(centre(k)), `tourist ${k}'s cell is restored`)
  await again.close()
})

/**
 * A wanderer walks far out and back (16-step moves), claiming, building and
 * removing as it goes; a second player stays home with a working solar +
 * conveyor line. Budget 0, write and evict after every tick: chunks come and
 * go constantly, and every tick's hash must match the unbounded world's.
 */
function wandererActions(world: World, tick: number): JournalAction[] {
  if (tick === 1) return [{ type: 'join', player: 'w', cell: centre(3) }, { type: 'join', player: 'h', cell: centre(9) }]
  const w = world.player('w')!
  const phase = tick % 3
  const out = Math.floor(tick / 90) % 2 === 0 // walk out for 90 ticks (30 moves), then back
  if (phase === 0) {
    let c = w.cell
    for (let s = 0; s < 16; s++) c = neighbors(SIZE, c)[out ? 0 : 3]
    return [{ type: 'move', player: 'w', cell: c }]
  }
  const nb = neighbors(SIZE, w.cell)
  if (phase === 1) return tick % 2 ? [{ type: 'claim', player: 'w', cell: nb[1] }] : [{ type: 'place', player: 'w', cell: nb[1], proto: tick % 4 ? 'solar' : 'pole' }]
  if (tick % 2) return [{ type: 'remove', player: 'w', cell: nb[1] }, { type: 'place', player: 'h', cell: neighbors(SIZE, centre(9))[tick % 6], proto: 'solar' }]
  return [{ type: 'claim', player: 'w', cell: nb[2] }]
}

eachBackend(t, 'budget 0 with a wandering builder: the same hash every tick', async (t, backend) => {
  const where = await freshTarget(t, backend)
  const reference = new World({ seed: SEED, size: SIZE })
  const p = await Persistence.open({ ...where, seed: SEED, size: SIZE, cacheBytes: 0, flushMs: 60_000, snapshotEvery: 25 })
  const w = p.world
  let evictedSeen = 0
  const before = p.stats().memory.fetchedBack
  for (let tick = 1; tick <= 180; tick++) {
    const actions = wandererActions(reference, tick)
    const expected = reference.step(actions)
    const r = await w.stepAsync(actions)
    const accepted = actions.filter((_, i) => r.results[i]?.ok)
    const committed = p.commit(r.tick, accepted, r.hash)
    p.onTick({ tick: r.tick, hash: r.hash, changedChunks: r.changedChunks, accepted })
    await committed
    if (r.hash !== expected.hash) { t.fail(`tick ${tick}: hash ${r.hash} differs from the unbounded world's ${expected.hash}`); break }
    await p.chunks.flushAll()
    p.enforceBudget()
    evictedSeen = Math.max(evictedSeen, w.evictedChunks().length)
  }
  t.equal(w.hash(), reference.hash(), 'same hash after 180 ticks')
  t.ok(evictedSeen > 0, `chunks were evicted (${evictedSeen} at most at once)`)
  t.ok(p.stats().memory.fetchedBack > before, `and fetched back (${p.stats().memory.fetchedBack})`)
  t.same(w.production(), reference.production(), 'same production')
  await p.idle()
  await p.close()
  const again = await Persistence.open({ ...where, seed: SEED, size: SIZE, cacheBytes: 0 })
  t.equal(again.world.hash(), reference.hash(), 'snapshots taken with chunks evicted restore the same hash')
  await again.close()
})
