// --tick-trace: one JSON line per tick, with where its time went; a submitter's tick has `first`.
import t from 'tap'
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { testDaemon, tickUntil } from '../net/helpers.ts'
import { resolveConfig } from '../../src/daemon/config.ts'

t.test('a line per tick, in order, with the tick that answered an action marked', async (t) => {
  const file = join(mkdtempSync(join(tmpdir(), 'hexd-trace-')), 'ticks.jsonl')
  const d = await testDaemon(t, { manualTicks: true, tickTrace: file })
  const mk = await (await tickUntil(d, fetch(`${d.url}/mailbox`, { method: 'POST' }))).json()
  const player = d.game.player(mk.player.id)!
  const sent = await fetch(`${d.url}/mailbox/${mk.id}/actions`, { method: 'POST', headers: { authorization: `Bearer ${mk.token}`, 'content-type': 'application/json' }, body: JSON.stringify({ type: 'claim', cell: player.cell }) })
  t.equal(sent.status, 202)
  for (let i = 0; i < 3; i++) { await d.tickOnce(); await new Promise((r) => setTimeout(r, 10)) }
  await d.close()
  const lines = readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l))
  t.ok(lines.length >= 4, `${lines.length} lines`)
  t.same(lines.map((l) => l.tick), lines.map((_, i) => lines[0].tick + i), 'one line per tick, in order')
  for (const l of lines) {
    t.ok(l.done >= l.step && l.step >= 0, `tick ${l.tick}: step ${l.step} <= done ${l.done}`)
    t.ok(l.gc >= 0 && l.elu >= 0 && l.elu <= 1, 'gc and elu')
    if (process.platform === 'linux') t.ok(l.cpu >= 0, 'main-thread CPU measured on Linux')
    t.equal(l.pacing, 0, 'the daemon\'s delivery pacing is recorded (off on an idle daemon)')
  }
  const claim = lines.find((l) => l.actions === 1 && l.first !== null)
  t.ok(claim, 'the tick that applied the claim has its first answer marked')
  t.ok(claim.first >= claim.step && claim.first <= claim.done)
  t.ok(lines.some((l) => l.actions === 0 && l.first === null), 'a tick nobody submitted to has first = null')
})

t.test('--tick-trace and HEXD_TICK_TRACE reach the config; off by default', async (t) => {
  t.equal(resolveConfig({}, {}).tickTrace, null)
  t.equal(resolveConfig({}, { HEXD_TICK_TRACE: '/tmp/x.jsonl' }).tickTrace, '/tmp/x.jsonl')
  t.equal(resolveConfig({ tickTrace: '/tmp/y.jsonl' }, { HEXD_TICK_TRACE: '/tmp/x.jsonl' }).tickTrace, '/tmp/y.jsonl')
  t.throws(() => resolveConfig({ tickTrace: '' }, {}), { code: 'HEXD_BAD_OPTION' })
})

t.test('a line leaves pacing out when the caller gives none', async (t) => {
  const { TickTrace } = await import('../../src/daemon/tick-trace.ts')
  const file = join(mkdtempSync(join(tmpdir(), 'hexd-trace-')), 'ticks.jsonl')
  const trace = TickTrace.open(file)
  trace.end(trace.begin(0), 1, 0)
  trace.end(trace.begin(2.5), 2, 3, 37.5)
  await trace.close()
  const [a, b] = readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l))
  t.notOk('pacing' in a, 'no pacing key without a value')
  t.equal(b.pacing, 37.5)
  t.equal(b.late, 2.5)
  t.equal(b.actions, 3)
})

t.test('a collection during a tick counts in that tick\'s gc, by when it ran', async (t) => {
  const { TickTrace } = await import('../../src/daemon/tick-trace.ts')
  const { QuietGc } = await import('../../src/daemon/quiet-gc.ts')
  const { quietGc } = QuietGc.create(1) // a way to run a minor GC now
  const file = join(mkdtempSync(join(tmpdir(), 'hexd-trace-')), 'ticks.jsonl')
  const trace = TickTrace.open(file)
  const busy = trace.begin(0)
  let keep: unknown[] = []
  for (let i = 0; i < 200_000; i++) keep.push({ i })
  keep = []
  const ms = quietGc!.atQuietPoint()
  trace.end(busy, 1, 0)
  await new Promise((r) => setTimeout(r, 20)) // the collection is reported to observers now, after the tick
  trace.end(trace.begin(0), 2, 0)
  await trace.close()
  const [a, b] = readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l))
  t.ok(ms > 0, `a collection ran inside tick 1 (${ms.toFixed(2)} ms)`)
  t.ok(a.gc >= ms * 0.5, `tick 1's gc ${a.gc} ms holds it`)
  t.equal(b.gc, 0, 'tick 2, after the report arrived, holds none of it')
})
