// The router: one ordered queue; outcomes are released only after the tick's journal commit (a
// tick that accepted nothing: after every earlier commit only); commits stay in order.
import t from 'tap'
import { Router } from '../../src/daemon/router.ts'
import { MemoryJournal, type ActionJournal } from '../../src/daemon/journal.ts'

t.test('actions from several submitters are applied in arrival order and answered after commit', async (t) => {
  const events: string[] = []
  let release!: () => void
  const gate = new Promise<void>((r) => { release = r })
  const journal: ActionJournal = {
    async commit(tick, accepted) { events.push(`commit-start ${tick} ${accepted.length}`); await gate; events.push(`commit-done ${tick}`) },
    async close() {},
  }
  const r = new Router(journal)
  const a = r.enqueue({ sessionId: 'a', playerId: 'p1' }, [{ type: 'claim', cell: 1 }, { type: 'claim', cell: 2 }], 10)
  const b = r.enqueue({ sessionId: 'b', playerId: 'p2' }, [{ type: 'claim', cell: 1 }], 10)
  t.equal(a.tick, 11, 'applies at the next tick')
  t.equal(r.queued, 3)
  const batch = r.drain()
  t.same(batch.actions.map((x) => `${x.cell}`), ['1', '2', '1'], 'arrival order')
  t.equal(r.queued, 0)
  a.results.then(() => events.push('a answered'))
  b.results.then(() => events.push('b answered'))
  const done = r.settle(batch, 11, [{ ok: true, tick: 11 }, { ok: true, tick: 11 }, { ok: false, tick: 11, code: 'HEXD_BAD_ACTION', reason: 'cell 1 was just claimed by player 1' }]).answered
  await new Promise((res) => setTimeout(res, 10))
  t.same(events, ['commit-start 11 2'], 'nobody is answered before the commit resolves')
  release()
  await done
  await Promise.all([a.results, b.results])
  t.same(events.slice(0, 2), ['commit-start 11 2', 'commit-done 11'])
  t.same(await b.results, [{ ok: false, tick: 11, code: 'HEXD_BAD_ACTION', reason: 'cell 1 was just claimed by player 1' }])
  t.same((await a.results).map((o) => o.ok), [true, true])
})

t.test('a failed commit rejects its submitters and later ticks still commit in order', async (t) => {
  const order: number[] = []
  const journal: ActionJournal = {
    async commit(tick) { order.push(tick); if (tick === 2) throw new Error('disk full') },
    async close() {},
  }
  const r = new Router(journal)
  const x = r.enqueue(null, [{ type: 'claim' }], 1)
  const b1 = r.drain()
  const p2 = r.settle(b1, 2, [{ ok: true, tick: 2 }]).answered
  const y = r.enqueue(null, [{ type: 'claim' }], 2)
  const p3 = r.settle(r.drain(), 3, [{ ok: true, tick: 3 }]).answered
  await t.rejects(x.results, /disk full/)
  await t.rejects(p2, /disk full/)
  await p3
  t.same(await y.results, [{ ok: true, tick: 3 }])
  t.same(order, [2, 3])
})

t.test('memory journal keeps accepted actions in tick order and refuses reordering', async (t) => {
  const j = new MemoryJournal()
  await j.commit(1, [{ type: 'a' }])
  await j.commit(2, [])
  await j.commit(3, [{ type: 'b' }])
  t.same(j.entries.map((e) => e.tick), [1, 3])
  await t.rejects(j.commit(3, []), /tick order/)
  t.equal(j.durability, 'memory')
})

t.test('with `after`, a submitter\'s entries of one tick are answered together, then `after` once', async (t) => {
  const r = new Router(new MemoryJournal())
  const A = { sessionId: 'a', playerId: 'p1' }, B = { sessionId: 'b', playerId: 'p2' }
  const log: string[] = []
  r.enqueueThen(A, [{ type: 'claim', cell: 1 }], 0, (outs) => log.push(`A1 ${outs?.[0].ok}`))
  r.enqueueThen(B, [{ type: 'claim', cell: 2 }], 0, (outs) => log.push(`B1 ${outs?.[0].ok}`))
  r.enqueueThen(A, [{ type: 'claim', cell: 3 }, { type: 'claim', cell: 4 }], 0, (outs) => log.push(`A2 ${outs?.map((o) => o.ok).join('/')}`))
  r.enqueueThen(null, [{ type: 'join', player: 'p3' }], 0, (outs) => log.push(`join ${outs?.[0].ok}`))
  const batch = r.drain()
  const outs = [{ ok: true, tick: 1 }, { ok: false, tick: 1, code: 'HEXD_BAD_ACTION', reason: 'taken' }, { ok: true, tick: 1 }, { ok: false, tick: 1, code: 'HEXD_BAD_CELL', reason: 'no' }, { ok: true, tick: 1 }] as const
  await r.settle(batch, 1, [...outs], 'h', (who) => log.push(`after ${who?.sessionId ?? 'server'}`)).answered
  t.same(log, ['A1 true', 'A2 true/false', 'after a', 'B1 false', 'after b', 'join true', 'after server'], 'each outcome reaches its own submitter, grouped, in first-arrival order')
})

/** A journal whose commits resolve (or fail) only when the test says so. */
function heldJournal() {
  const held = new Map<number, { resolve: () => void; reject: (e: Error) => void }>()
  const journal: ActionJournal = {
    commit: (tick) => new Promise<void>((resolve, reject) => { held.set(tick, { resolve, reject }) }),
    async close() {},
  }
  return { journal, held }
}
const tickOf = async () => { for (let i = 0; i < 5; i++) await Promise.resolve() }

t.test('a tick that accepted nothing is answered without waiting for its own commit, in tick order', async (t) => {
  const { journal, held } = heldJournal()
  const r = new Router(journal)
  const log: string[] = []
  // Tick 1 accepts an action: its answer waits for its commit.
  r.enqueueThen(null, [{ type: 'claim', cell: 1 }], 0, (outs) => log.push(`t1 ${outs?.[0].ok}`))
  const s1 = r.settle(r.drain(), 1, [{ ok: true, tick: 1 }])
  // Tick 2 rejects everything: it waits for tick 1's commit, not its own.
  r.enqueueThen(null, [{ type: 'claim', cell: 1 }], 1, (outs) => log.push(`t2 ${outs?.[0].ok}`))
  const s2 = r.settle(r.drain(), 2, [{ ok: false, tick: 2, code: 'HEXD_BAD_ACTION', reason: 'taken' }])
  await tickOf()
  t.same(log, [], 'nobody is answered while tick 1 is not durable (tick 2\'s rejection reads its state)')
  held.get(1)!.resolve()
  await s2.answered
  t.same(log, ['t1 true', 't2 false'], 'then both, in tick order')
  let durable2 = false
  void s2.durable.then(() => { durable2 = true })
  await tickOf()
  t.notOk(durable2, 'tick 2 was answered before its own commit resolved')
  // Tick 3 accepts again: it waits for its own commit, which comes after tick 2's.
  r.enqueueThen(null, [{ type: 'claim', cell: 2 }], 2, (outs) => log.push(`t3 ${outs?.[0].ok}`))
  const s3 = r.settle(r.drain(), 3, [{ ok: true, tick: 3 }])
  held.get(3)!.resolve()
  await tickOf()
  t.same(log, ['t1 true', 't2 false'], 'tick 3 waits for tick 2\'s commit too')
  held.get(2)!.resolve()
  await Promise.all([s1.answered, s2.durable, s3.answered])
  t.same(log, ['t1 true', 't2 false', 't3 true'])
  t.equal(r.inFlight, 0, 'every commit accounted for')
})

t.test('a failed commit of a tick that accepted nothing is reported through durable; its answers stand', async (t) => {
  const { journal, held } = heldJournal()
  const r = new Router(journal)
  const got: unknown[] = []
  r.enqueueThen(null, [{ type: 'claim', cell: 1 }], 0, (outs, err) => got.push(outs ?? err))
  const s = r.settle(r.drain(), 1, [{ ok: false, tick: 1, code: 'HEXD_BAD_ACTION', reason: 'taken' }])
  await s.answered
  t.same(got, [[{ ok: false, tick: 1, code: 'HEXD_BAD_ACTION', reason: 'taken' }]], 'answered at once')
  held.get(1)!.reject(new Error('disk full'))
  await t.rejects(s.durable, /disk full/, 'the head write failed, and durable says so')
  // The next tick that accepts something still commits and is answered.
  r.enqueueThen(null, [{ type: 'claim', cell: 2 }], 1, (outs, err) => got.push(outs ?? err))
  const s2 = r.settle(r.drain(), 2, [{ ok: true, tick: 2 }])
  held.get(2)!.resolve()
  await s2.answered
  t.same(got[1], [{ ok: true, tick: 2 }])
})
