// `hexd bench net --rounds`: the medians and the goal read on them (from given round reports),
// and two real rounds at a tiny scale. No timing is asserted.
import t from 'tap'
import { runNetRounds } from '../../src/bench/net-rounds.ts'
import type { NetBenchOptions } from '../../src/bench/net.ts'

const o: NetBenchOptions = { clients: 8, duration: 1, ups: 20, size: 16, mailboxConns: 2, json: true, store: 'memory' }
const report = (p99: number, echoP99: number) => ({
  latency_ms: { p50: p99 / 2, p90: p99 - 1, p99 }, echo_latency_ms: { p99: echoP99 },
  goal: { p99_limit_ms: echoP99 * 2 + 50, p99_met: p99 <= echoP99 * 2 + 50, gaps_met: true, ups_held: true },
  seq_gaps: 0, ups_measured: 20, daemon_cpu_us_per_reply: 40,
})

t.test('the goal is read on the median daemon p99 against the median echo p99', async (t) => {
  const given = [report(90, 30), report(60, 3), report(70, 8)] // round 1 met its own limit thanks to a noisy echo; rounds 2 and 3 did not
  let i = 0
  const r = await runNetRounds(o, 3, async () => given[i++]!) as Record<string, any>
  t.equal(r.rounds, 3)
  t.same(r.summary.p99_ms, [90, 60, 70], 'every round kept, in order')
  t.equal(r.summary.median_p99_ms, 70)
  t.equal(r.summary.median_echo_p99_ms, 8)
  t.equal(r.summary.p99_limit_ms, 66, 'median echo p99 × 2 + one tick')
  t.equal(r.summary.p99_met, false, '70 > 66')
  t.equal(r.summary.rounds_met, 1, 'rounds that met their own limit')
  t.equal(r.runs.length, 3, 'each round\'s whole report')
})

t.test('with HEXD_TICK_TRACE each round\'s daemon gets its own trace file', async (t) => {
  const before = process.env.HEXD_TICK_TRACE
  process.env.HEXD_TICK_TRACE = '/tmp/ticks.jsonl'
  t.teardown(() => { if (before === undefined) delete process.env.HEXD_TICK_TRACE; else process.env.HEXD_TICK_TRACE = before })
  const seen: Array<string | undefined> = []
  const r = await runNetRounds(o, 3, async () => { seen.push(process.env.HEXD_TICK_TRACE); return report(60, 10) }) as Record<string, any>
  t.same(seen, ['/tmp/ticks.jsonl.1', '/tmp/ticks.jsonl.2', '/tmp/ticks.jsonl.3'], 'what each round\'s daemon inherits')
  t.same(r.runs.map((x: { tick_trace: string }) => x.tick_trace), seen, 'named in each round\'s report')
  t.equal(process.env.HEXD_TICK_TRACE, '/tmp/ticks.jsonl', 'restored')
  const one = await runNetRounds(o, 1, async () => { seen.push(process.env.HEXD_TICK_TRACE); return report(60, 10) }) as Record<string, any>
  t.equal(one.runs[0].tick_trace, '/tmp/ticks.jsonl', 'one round keeps the file as given')
})

t.test('with HEXD_BENCH_REPLIES each round writes its own reply file', async (t) => {
  const before = process.env.HEXD_BENCH_REPLIES
  process.env.HEXD_BENCH_REPLIES = '/tmp/replies.json'
  t.teardown(() => { if (before === undefined) delete process.env.HEXD_BENCH_REPLIES; else process.env.HEXD_BENCH_REPLIES = before })
  const seen: Array<string | undefined> = []
  const r = await runNetRounds(o, 2, async () => { seen.push(process.env.HEXD_BENCH_REPLIES); return report(60, 10) }) as Record<string, any>
  t.same(seen, ['/tmp/replies.json.1', '/tmp/replies.json.2'])
  t.same(r.runs.map((x: { replies_file: string }) => x.replies_file), seen, 'named in each round\'s report')
  t.notOk('tick_trace' in r.runs[0], 'no trace file named when none was asked for')
  t.equal(process.env.HEXD_BENCH_REPLIES, '/tmp/replies.json', 'restored')
})

t.test('a bad round count is refused', async (t) => {
  await t.rejects(runNetRounds(o, 0), /rounds must be a positive integer, got 0/)
})

t.test('two real rounds against hexd serve and the echo baseline', async (t) => {
  const r = await runNetRounds(o, 2) as Record<string, any>
  t.equal(r.summary.p99_ms.length, 2)
  t.ok(r.summary.p99_ms.every((x: number) => x > 0), 'each round measured replies')
  t.equal(r.summary.gaps_met, true, 'no seq gap in any round')
  t.type(r.summary.p99_met, 'boolean')
})
