// `hexd bench net` end to end at a tiny scale: the report's shape, no seq gap, the daemon's tick phases; `--parts` too.
// (No timing is asserted: only that each figure is there and sane.)
import t from 'tap'
import { runNetBench } from '../../src/bench/net.ts'
import { runNetParts } from '../../src/bench/net-parts.ts'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { execFileSync, spawnSync } from 'node:child_process'

t.test('a short run against a real hexd serve and the echo baseline', async (t) => {
  // With its reply file and the daemon's tick trace, so both can be read together (scripts/net-tail.mjs).
  const dir = mkdtempSync(join(tmpdir(), 'hexd-bench-net-test-'))
  // ...and a log of the daemon's collections (scripts/gc-log.mjs preloaded into it).
  // ...and what the daemon prints on stdout: V8's --trace-gc lines (HEXD_BENCH_DAEMON_STDOUT).
  const saved = { replies: process.env.HEXD_BENCH_REPLIES, trace: process.env.HEXD_TICK_TRACE, args: process.env.HEXD_BENCH_NODE_ARGS, gc: process.env.HEXD_GC_LOG, out: process.env.HEXD_BENCH_DAEMON_STDOUT }
  process.env.HEXD_BENCH_REPLIES = join(dir, 'replies.json')
  process.env.HEXD_TICK_TRACE = join(dir, 'ticks.jsonl')
  process.env.HEXD_BENCH_NODE_ARGS = `--trace-gc --import=${join(process.cwd(), 'scripts', 'gc-log.mjs')}`
  process.env.HEXD_BENCH_DAEMON_STDOUT = join(dir, 'daemon.out')
  process.env.HEXD_GC_LOG = join(dir, 'gc.json')
  t.teardown(() => {
    for (const [k, v] of [['HEXD_BENCH_REPLIES', saved.replies], ['HEXD_TICK_TRACE', saved.trace], ['HEXD_BENCH_NODE_ARGS', saved.args], ['HEXD_GC_LOG', saved.gc], ['HEXD_BENCH_DAEMON_STDOUT', saved.out]] as const) if (v === undefined) delete process.env[k]; else process.env[k] = v
    rmSync(dir, { recursive: true, force: true })
  })
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
  const replies = JSON.parse(readFileSync(join(dir, 'replies.json'), 'utf8'))
  t.same(replies.fields, ['client', 'sent_mono_us', 'latency_ms', 'tick'])
  t.equal(replies.rows.length, r.replies, 'one row per measured reply')
  const ticks = new Map(readFileSync(join(dir, 'ticks.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l)).map((x) => [x.tick, x]))
  const row = replies.rows[0]
  const tick = ticks.get(row[3])
  t.ok(tick, `the reply's tick ${row[3]} is in the daemon's trace`)
  t.ok(tick.mono >= row[1] && tick.mono <= row[1] + row[2] * 1000, 'the tick started (CLOCK_MONOTONIC) between the send and the reply')
  const gc = JSON.parse(readFileSync(join(dir, 'gc.json'), 'utf8'))
  t.same(gc.fields, ['kind', 'start_mono_us', 'ms'], 'the daemon wrote its GC log at exit')
  t.ok(gc.rows.length > 0 && gc.rows.every((g: number[]) => g.length === 3 && g[2] >= 0), `${gc.rows.length} collections logged`)
  const tail = execFileSync(process.execPath, ['scripts/net-tail.mjs', join(dir, 'replies.json'), join(dir, 'ticks.jsonl'), '--gc', join(dir, 'gc.json')], { encoding: 'utf8' })
  t.match(tail, /^replies \d+ {2}p50 [\d.]+ ms {2}p99 [\d.]+ ms/m, 'net-tail reads the three files')
  t.match(tail, /daemon collections while measuring: \d+ \([\d.]+ ms; .*\); started inside an answer phase: \d+/)
  t.match(tail, /replies in flight during a collection: slowest 1 % \d+ %, all \d+ %/)
  t.match(readFileSync(join(dir, 'daemon.out'), 'utf8'), /ms: (Scavenge|Mark-Compact|Mark-Sweep)/, 'the daemon\'s stdout (its --trace-gc lines) was kept')
  const bad = spawnSync(process.execPath, ['scripts/net-tail.mjs', join(dir, 'replies.json'), join(dir, 'ticks.jsonl'), '--gc'], { encoding: 'utf8' })
  t.equal(bad.status, 64, '--gc without a file is a usage error')
})

t.test('--parts: each part of a tick measured, and the floor it sets', async (t) => {
  const r = await runNetParts(20) as Record<string, any>
  t.ok(r.engine_step_ms.with_actions > 0 && r.engine_step_ms.without > 0, 'engine step measured')
  t.ok(r.journal_commit_ms.pglite > 0 && r.journal_commit_ms.pglite_cpu > 0, 'PGlite journal commit measured (wall and CPU)')
  t.ok(r.socket_write_us > 0, 'socket write measured')
  t.ok(r.p99_floor_ms.pglite >= r.p99_floor_ms.memory && r.p99_floor_ms.memory >= 49.5, 'the floor adds up')
})
