// The analytics consumer over a real event log: statistics per player and per item, no double counting on redelivery.
import t from 'tap'
import { forEachBackend } from './backends.ts'
import { Analytics, TickBus } from '../../src/bus/index.ts'

forEachBackend(t, async (t, make) => {
  const log = await make()
  const bus = await TickBus.open(log)
  const a = new Analytics()
  await a.start(log)
  bus.onTick({ tick: 1, hash: 'h1', actions: [
    { action: { type: 'place', player: 1 }, outcome: { ok: true } },
    { action: { type: 'place', player: 2 }, outcome: { ok: false, code: 'HEXD_BAD_ACTION' } },
  ], events: [{ type: 'produced', player: 1, item: 'gear', count: 2, chunk: 5 }] })
  bus.onTick({ tick: 2, hash: 'h2', events: [
    { type: 'produced', player: 1, item: 'gear', count: 1, chunk: 5 },
    { type: 'produced', player: 2, item: 'iron_plate', count: 3, chunk: 9 },
    { type: 'consumed', player: 1, item: 'iron_plate', count: 2, chunk: 5 },
  ], chunks: [{ id: 5, cells: [{ id: 100 }] }] })
  await bus.flush()
  let s = a.stats()
  for (let i = 0; i < 100 && s.tick < 2; i++) { await new Promise((r) => setTimeout(r, 30)); s = a.stats() }
  for (let i = 0; i < 100 && (s.items.iron_plate?.totals.consumed ?? 0) < 2; i++) { await new Promise((r) => setTimeout(r, 30)); s = a.stats() }
  t.equal(s.tick, 2)
  t.same(s.players['1'].actions, { accepted: 1, rejected: 0, byType: { place: 1 } })
  t.same(s.players['2'].actions, { accepted: 0, rejected: 1, byType: { place: 1 } })
  t.same(s.items.gear, { totals: { produced: 3 }, byPlayer: { 1: { produced: 3 } } })
  t.same(s.items.iron_plate.totals, { produced: 3, consumed: 2 })
  t.same(s.players['1'].items, { gear: { produced: 3 }, iron_plate: { consumed: 2 } })
  // Redelivery (at-least-once) of everything already applied changes nothing.
  for (const topic of ['ticks', 'events']) for (let p = 0; p < log.partitions(topic); p++) for (const r of await log.read(topic, p, 0, 100)) a.apply(topic, p, r)
  t.same(a.stats(), s, 'replayed records are not counted twice')
  t.equal(bus.stats.appendErrors, 0)
  t.same((await log.bounds('chunks', log.partitionFor('chunks', '5'))).end, 1, 'chunk diffs go to the chunks topic')
  await a.stop()
  await bus.close()
})

t.test('a failing read restarts the analytics consumer from its commits, counting nothing twice', async (t) => {
  const { EmbeddedBackend, EventLog, MemoryOffsetStore } = await import('../../src/bus/index.ts')
  // Fault injection on the real embedded backend: the 3rd read of `ticks` fails once.
  class Flaky extends EmbeddedBackend {
    reads = 0
    override async read(topic: string, p: number, from: number, max: number) {
      if (topic === 'ticks' && ++this.reads === 3) throw new Error('disk on fire')
      return super.read(topic, p, from, max)
    }
  }
  const be = new Flaky()
  const log = new EventLog(be, { offsets: new MemoryOffsetStore() })
  const bus = await TickBus.open(log)
  const a = new Analytics()
  const errors: unknown[] = []
  await a.start(log, 'analytics', { onError: (e) => errors.push(e), retryMs: 20 })
  for (let tick = 1; tick <= 30; tick++) {
    bus.onTick({ tick, hash: 'h', actions: [{ action: { type: 'claim', player: 1 }, outcome: { ok: true } }] })
    await bus.flush()
    await new Promise((r) => setTimeout(r, 5))
  }
  for (let i = 0; i < 100 && a.stats().tick < 30; i++) await new Promise((r) => setTimeout(r, 20))
  t.equal(errors.length, 1, 'the failure was reported once')
  t.equal(a.stats().tick, 30)
  t.equal(a.stats().players['1'].actions.accepted, 30, 'every tick counted exactly once across the restart')
  await a.stop(); await bus.close()
})

t.test('a new Analytics over a log with committed offsets rebuilds its counts from the oldest record', async (t) => {
  const { EmbeddedBackend, EventLog, MemoryOffsetStore } = await import('../../src/bus/index.ts')
  const log = new EventLog(new EmbeddedBackend(), { offsets: new MemoryOffsetStore() })
  const bus = await TickBus.open(log)
  for (let tick = 1; tick <= 5; tick++) bus.onTick({ tick, hash: 'h', actions: [{ action: { type: 'claim', player: 1 }, outcome: { ok: true } }] })
  await bus.flush()
  const first = new Analytics()
  await first.start(log)
  for (let i = 0; i < 100 && first.stats().tick < 5; i++) await new Promise((r) => setTimeout(r, 20))
  await first.stop()
  t.equal(await log.offsets.load('analytics', 'ticks', 0), 5, 'the first instance committed')
  const second = new Analytics()   // as after a daemon restart with a persistent log and offsets
  await second.start(log)
  for (let i = 0; i < 100 && second.stats().tick < 5; i++) await new Promise((r) => setTimeout(r, 20))
  t.equal(second.stats().players['1'].actions.accepted, 5, 'history counted again, not skipped')
  await second.stop(); await bus.close()
})

t.test('a batch of many records is applied one record per macrotask', async (t) => {
  const { EmbeddedBackend, EventLog, MemoryOffsetStore } = await import('../../src/bus/index.ts')
  const log = new EventLog(new EmbeddedBackend(), { offsets: new MemoryOffsetStore() })
  const bus = await TickBus.open(log)
  // Twenty ticks logged before the consumer starts: its first poll gets them as one batch.
  for (let tick = 1; tick <= 20; tick++) bus.onTick({ tick, hash: 'h', actions: [{ action: { type: 'claim', player: 1 }, outcome: { ok: true } }] })
  await bus.flush()
  const a = new Analytics()
  await a.start(log)
  const seen = new Set<number>()
  for (let i = 0; i < 5000 && a.stats().tick < 20; i++) { seen.add(a.stats().tick); await new Promise((r) => setImmediate(r)) }
  t.equal(a.stats().tick, 20)
  t.equal(a.stats().players['1'].actions.accepted, 20)
  const between = [...seen].filter((x) => x > 1 && x < 20)
  t.ok(between.length >= 10, `the event loop ran between records (saw ticks ${[...seen].join(', ')})`)
  await a.stop(); await bus.close()
})
