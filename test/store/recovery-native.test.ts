// Recovery when the daemon computes natively (--compute thread|process): the
// world's state buffer lives in the native region; recovery replays the journal
// with the TS reference into that same buffer, then the native backend ticks on
// (the same bytes by contract). After a crash the recovered hash is the one
// committed last, and the world then goes on tick by tick exactly like a js
// world that never stopped — also when the restart uses the other native mode.
import t from 'tap'
import { World } from '../../src/engine/index.ts'
import { selectBackend, type SelectedBackend } from '../../src/native/backend.ts'
import { freshTarget } from './helpers.ts'
import { Persistence } from '../../src/store/persistence.ts'
import { SEED, SIZE, actionsFor } from './world-script.ts'

/** Opens persistence on the native backend the way `hexd serve --compute <c>` does (src/daemon/run.ts). */
async function open(where: Awaited<ReturnType<typeof freshTarget>>, compute: 'thread' | 'process'): Promise<{ p: Persistence; nb: SelectedBackend }> {
  const nb = selectBackend(compute, { threads: 2 })
  const p = await Persistence.open({ ...where, seed: SEED, size: SIZE, snapshotEvery: 16, flushMs: 50, ...(nb.allocate ? { world: { allocate: nb.allocate } } : {}) })
  p.world.backend = nb.backend
  return { p, nb }
}

/** Steps with the native backend, feeding persistence like the daemon; returns the hashes. */
async function drive(w: World, p: Persistence, ticks: number): Promise<string[]> {
  const out: string[] = []
  for (let k = 0; k < ticks; k++) {
    const actions = actionsFor(w, w.tick + 1)
    const r = await w.stepAsync(actions)
    const accepted = actions.filter((_, i) => r.results[i]?.ok)
    const committed = p.commit(r.tick, accepted, r.hash)
    p.onTick({ tick: r.tick, hash: r.hash, changedChunks: r.changedChunks, accepted })
    await committed
    out.push(r.hash)
  }
  return out
}

for (const [first, second] of [['thread', 'process'], ['process', 'thread']] as const) {
  t.test(`crash under --compute ${first}, recover under --compute ${second}`, async (t) => {
    const probe = selectBackend(first)
    await probe.backend.close?.()
    if (probe.compute !== first) { t.plan(0, `native build unavailable: ${probe.fallback}`); return }
    const where = await freshTarget(t, 'pglite')
    const reference = new World({ seed: SEED, size: SIZE })
    const expected: string[] = []
    for (let k = 0; k < 50; k++) expected.push(reference.step(actionsFor(reference, reference.tick + 1)).hash)

    const a = await open(where, first)
    t.same(await drive(a.p.world, a.p, 37), expected.slice(0, 37), `${first}: the same hashes as the js reference`)
    await a.p.idle()
    // A crash: no final snapshot, no flush, no drain; the native backend goes with the process.
    a.p.chunks.stop(); a.p.players.stop()
    await a.p.db.close()
    await a.nb.backend.close?.()

    const b = await open(where, second)
    t.teardown(async () => { await b.nb.backend.close?.() })
    t.match(b.p.recovery, { snapshotTick: 32, headTick: 37, replayedTicks: 5 }, 'latest snapshot + 5 replayed ticks')
    t.equal(b.p.world.hash(), expected[36], 'recovered hash = the hash committed at tick 37')
    t.equal(b.p.world.backend.name === 'js', false, `${second} ticks the recovered world`)
    t.same(await drive(b.p.world, b.p, 13), expected.slice(37, 50), `${second} goes on exactly like a world that never stopped`)
    await b.p.close()
  })
}
