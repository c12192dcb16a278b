// Production derived from chunk diffs matches the engine's own production counters, per item, on the
// real engine running the factory scenario; and the analytics attributes it to the builder.
import t from 'tap'
import { World } from '../../src/engine/world.ts'
import { factory } from '../../src/engine/scenarios/factory.ts'
import { ProductionTracker, Analytics, TickBus, EventLog, EmbeddedBackend, MemoryOffsetStore } from '../../src/bus/index.ts'

t.test('factory scenario: derived production == world.production(), all by the builder', async (t) => {
  const w = new World({ seed: 42, size: 32 })
  const tracker = new ProductionTracker((i) => w.playerList()[i - 1]?.id)
  const log = new EventLog(new EmbeddedBackend(), { offsets: new MemoryOffsetStore() })
  const bus = await TickBus.open(log)
  const analytics = new Analytics()
  await analytics.start(log)
  t.teardown(async () => { await analytics.stop(); await bus.close() })
  const derived: Record<string, number> = {}
  let actions = factory.setup(w)
  for (let i = 0; i < 300; i++) {
    const r = w.step(actions)
    actions = []
    const events = w.diffs().flatMap((d) => tracker.observe(d.chunk, d.cells as Array<{ id: number }>))
    for (const e of events) derived[e.item] = (derived[e.item] ?? 0) + e.count
    bus.onTick({ tick: r.tick, hash: r.hash, events })
  }
  const truth = w.production()
  t.ok((truth.robot_arm ?? 0) > 0, `the factory made robot arms: ${JSON.stringify(truth)}`)
  t.same(derived, truth, 'every item the engine counted, and nothing else')
  await bus.flush()
  // The consumers of `ticks` and `events` run separately and apply one record per macrotask:
  // wait until every produced count arrived (or 5 s), then compare.
  const arrived = () => Object.entries(truth).every(([item, n]) => analytics.stats().items[item]?.totals.produced === n)
  for (let i = 0; i < 250 && (analytics.stats().tick < 300 || !arrived()); i++) await new Promise((r) => setTimeout(r, 20))
  const s = analytics.stats()
  const builder = w.playerList()[0].id
  for (const [item, n] of Object.entries(truth)) {
    t.equal(s.items[item]?.totals.produced, n, `${item}: total`)
    t.equal(s.players[builder]?.items[item]?.produced, n, `${item}: by the builder`)
  }
})
