// `hexd bench net` end to end at a tiny scale: the report's shape, no seq gap, the daemon's tick phases; `--parts` too.
// (No timing is asserted: only that each figure is there and sane.)
import t from 'tap'
import { runNetBench } from '../../src/bench/net.ts'
import { runNetParts } from '../../src/bench/net-parts.ts'

t.test('a short run against a real hexd serve and the echo baseline', async (t) => {
  const r = await runNetBench({ clients: 8, duration: 1, ups: 20, size: 16, mailboxConns: 2, json: true, store: 'memory' }) as Record<string, any>
  t.equal(r.seq_gaps, 0, 'no seq gap')
  t.ok(r.replies > 0, `answered actions (${r.replies})`)
  t.ok(r.echo_latency_ms.replies > 0, 'the echo baseline ran')
  t.equal(r.durability, 'memory')
  for (const k of ['late', 'step', 'commit', 'first_answer', 'answered']) {
    t.ok(r.daemon_tick_ms[k].ticks > 0, `daemon phase ${k} has ticks`)
  }
  t.ok(r.daemon_tick_ms.commit.p50 === null || r.daemon_tick_ms.answered.p50 === null || r.daemon_tick_ms.answered.p50 >= r.daemon_tick_ms.commit.p50, 'everything is answered after the commit')
  t.type(r.goal.p99_met, 'boolean')
  t.type(r.warmup_settled, 'boolean')
  t.ok(r.warmup_ms >= 1000, 'measured only after at least one second of keeping up')
  t.ok(r.tick_range[1] >= r.tick_range[0], `the measured ticks ${r.tick_range}`)
  for (const run of ['daemon', 'echo']) t.ok(r.client_loop_delay_ms[run].max >= r.client_loop_delay_ms[run].p50, `client loop delay of the ${run} run`)
})

t.test('--parts: each part of a tick measured, and the floor it sets', async (t) => {
  const r = await runNetParts(20) as Record<string, any>
  t.ok(r.engine_step_ms.with_actions > 0 && r.engine_step_ms.without > 0, 'engine step measured')
  t.ok(r.journal_commit_ms.pglite > 0 && r.journal_commit_ms.pglite_cpu > 0, 'PGlite journal commit measured (wall and CPU)')
  t.ok(r.socket_write_us > 0, 'socket write measured')
  t.ok(r.p99_floor_ms.pglite >= r.p99_floor_ms.memory && r.p99_floor_ms.memory >= 49.5, 'the floor adds up')
})
