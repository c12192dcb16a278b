#!/usr/bin/env node
// Every garbage collection of a process on CLOCK_MONOTONIC, the clock of a tick trace's `mono` and
// of `hexd bench net`'s reply file (HEXD_BENCH_REPLIES), so scripts/net-tail.mjs --gc can put each
// collection beside the ticks and the replies it delayed. (gc-profile.mjs says how much each
// collection freed and kept, but not when it ran.)
//
// Preload it into the process to watch; at exit it writes $HEXD_GC_LOG (default
// /tmp/gc-log-<pid>.json): `{"fields":["kind","start_mono_us","ms"],"rows":[...]}`, where kind is
// Node's: 1 scavenge, 2 mark-compact-minor, 4 mark-compact, 8 incremental marking, 16 weak callbacks.
//   HEXD_BENCH_NODE_ARGS=--import=$PWD/scripts/gc-log.mjs HEXD_GC_LOG=/tmp/gc.json \
//     HEXD_TICK_TRACE=/tmp/t.jsonl HEXD_BENCH_REPLIES=/tmp/r.json npx hexd bench net --json
//   node scripts/net-tail.mjs /tmp/r.json /tmp/t.jsonl --gc /tmp/gc.json
import { PerformanceObserver, performance } from 'node:perf_hooks'
import { writeFileSync } from 'node:fs'

// performance.now() and process.hrtime share CLOCK_MONOTONIC; their offset is fixed.
const offsetMs = Number(process.hrtime.bigint()) / 1e6 - performance.now()
const rows = []
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) rows.push([e.detail?.kind ?? 0, Math.round((e.startTime + offsetMs) * 1000), Math.round(e.duration * 100) / 100])
}).observe({ entryTypes: ['gc'] })
process.on('exit', () => {
  writeFileSync(process.env.HEXD_GC_LOG ?? `/tmp/gc-log-${process.pid}.json`, JSON.stringify({ fields: ['kind', 'start_mono_us', 'ms'], rows }))
})
