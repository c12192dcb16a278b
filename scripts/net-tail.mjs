#!/usr/bin/env node
// Where a `hexd bench net` latency tail comes from: reads the load generator's reply file
// (HEXD_BENCH_REPLIES) with the daemon's tick trace (HEXD_TICK_TRACE) of the same run and prints
//  - the p50/p99 of the replies;
//  - the ticks that hold the slowest 1 % of replies, each with its trace line;
//  - for those replies, how long each waited for its tick to start (send -> tick start, on
//    CLOCK_MONOTONIC) and how long after the start it arrived, against the same split over all replies;
//  - with a daemon CPU profile (--cpu-prof; HEXD_BENCH_NODE_ARGS), what the daemon's main thread
//    ran in the 30 ms before each of the worst ticks and during its step (trace `mono` against the
//    profile's timestamps, both CLOCK_MONOTONIC).
//  - with a GC log of the daemon (--gc FILE, scripts/gc-log.mjs), the collections near each of the
//    worst ticks, how many replies were in flight during one, and how many collections started
//    inside an answer phase (a tick's start to its `done`).
// Usage: node scripts/net-tail.mjs REPLIES.json TICKS.jsonl [PROFILE.cpuprofile] [--gc GCLOG.json]   (docs/SERVE.md)
import { readFileSync } from 'node:fs'

const args = process.argv.slice(2)
const gcAt = args.indexOf('--gc')
const gcFile = gcAt >= 0 ? args.splice(gcAt, 2)[1] : undefined
const [repliesFile, traceFile, profileFile] = args
if (!repliesFile || !traceFile || (gcAt >= 0 && !gcFile)) {
  console.error('usage: node scripts/net-tail.mjs REPLIES.json TICKS.jsonl [PROFILE.cpuprofile] [--gc GCLOG.json]')
  process.exit(64)
}
const rows = JSON.parse(readFileSync(repliesFile, 'utf8')).rows // [client, sent_mono_us, latency_ms, tick]
const ticks = new Map(readFileSync(traceFile, 'utf8').trim().split('\n').map((l) => JSON.parse(l)).map((x) => [x.tick, x]))
const pct = (a, p) => { const s = [...a].sort((x, y) => x - y); return s[Math.min(s.length - 1, Math.floor(p * s.length))] }
const f1 = (x) => (x === undefined || Number.isNaN(x) ? '-' : x.toFixed(1))

const lat = rows.map((r) => r[2])
const p99 = pct(lat, 0.99)
console.log(`replies ${rows.length}  p50 ${f1(pct(lat, 0.5))} ms  p99 ${f1(p99)} ms`)
const traced = rows.filter((r) => ticks.get(r[3])?.mono !== undefined)
if (traced.length < rows.length) console.log(`(${rows.length - traced.length} replies name a tick missing from the trace, or a trace without mono times)`)
const top = traced.filter((r) => r[2] >= p99)
const byTick = new Map()
for (const r of top) byTick.set(r[3], (byTick.get(r[3]) ?? 0) + 1)
console.log(`\nticks holding the slowest 1 % (${top.length} replies):`)
const worst = [...byTick].sort((a, b) => b[1] - a[1]).slice(0, 12)
for (const [tick, n] of worst) {
  const x = ticks.get(tick)
  console.log(`  tick ${tick}: ${n} replies; late ${x.late} step ${x.step} first ${x.first} done ${x.done} actions ${x.actions} cpu ${x.cpu} gc ${x.gc} elu ${x.elu}`)
}
const split = (rs) => {
  const wait = rs.map((r) => (ticks.get(r[3]).mono - r[1]) / 1000), after = rs.map((r) => r[1] / 1000 + r[2] - ticks.get(r[3]).mono / 1000)
  return `waited for the tick p10/p50/p90 ${f1(pct(wait, 0.1))}/${f1(pct(wait, 0.5))}/${f1(pct(wait, 0.9))} ms; arrived after its start ${f1(pct(after, 0.1))}/${f1(pct(after, 0.5))}/${f1(pct(after, 0.9))} ms`
}
console.log(`\nslowest 1 %: ${split(top)}`)
console.log(`all:         ${split(traced)}`)

if (profileFile) {
  const p = JSON.parse(readFileSync(profileFile, 'utf8'))
  const nodes = new Map(p.nodes.map((n) => [n.id, n]))
  let t = p.startTime
  const at = p.timeDeltas.map((d) => (t += d))
  const name = (n) => `${n.callFrame.functionName || '(anonymous)'} ${(n.callFrame.url || '').replace(/.*\/(src|node_modules)\//, '$1/')}`.trim()
  const window = (a, b) => {
    const self = new Map()
    for (let i = 0; i < p.samples.length; i++) {
      if (at[i] < a || at[i] >= b) continue
      const k = name(nodes.get(p.samples[i]))
      self.set(k, (self.get(k) ?? 0) + ((at[i + 1] ?? at[i]) - at[i]))
    }
    return [...self].sort((x, y) => y[1] - x[1]).slice(0, 6).map(([k, us]) => `${(us / 1000).toFixed(1)} ${k}`).join('; ')
  }
  console.log('\nthe daemon main thread around the worst ticks (ms of samples, self time; descheduled time counts to what ran):')
  for (const [tick] of worst.slice(0, 5)) {
    const x = ticks.get(tick)
    if (x.mono === undefined) continue
    console.log(`  tick ${tick} before (30 ms + late): ${window(x.mono - 30_000 - x.late * 1000, x.mono)}`)
    console.log(`  tick ${tick} step: ${window(x.mono, x.mono + x.step * 1000)}`)
  }
}

if (gcFile) {
  const KIND = { 1: 'scavenge', 2: 'minor-mc', 4: 'mark-compact', 8: 'incremental', 16: 'weak-cb' }
  const gcs = JSON.parse(readFileSync(gcFile, 'utf8')).rows.map(([kind, start, ms]) => ({ kind, start: start / 1000, end: start / 1000 + ms, ms }))
  const replied = new Set(rows.map((r) => r[3]))
  const measured = [...ticks.values()].filter((x) => x.mono !== undefined && replied.has(x.tick))
  const from = Math.min(...measured.map((x) => x.mono / 1000)), to = Math.max(...measured.map((x) => x.mono / 1000 + x.done))
  const inWindow = gcs.filter((g) => g.start >= from && g.start <= to)
  const inAnswer = inWindow.filter((g) => measured.some((x) => g.start >= x.mono / 1000 && g.start <= x.mono / 1000 + x.done))
  const sum = (gs) => gs.reduce((n, g) => n + g.ms, 0).toFixed(1)
  const byKind = {}
  for (const g of inWindow) byKind[KIND[g.kind] ?? g.kind] = (byKind[KIND[g.kind] ?? g.kind] ?? 0) + 1
  console.log(`
daemon collections while measuring: ${inWindow.length} (${sum(inWindow)} ms; ${JSON.stringify(byKind)}); started inside an answer phase: ${inAnswer.length} (${sum(inAnswer)} ms)`)
  // A reply was in flight during a collection that ended after it was sent and started before it arrived.
  const during = (r) => { const a = r[1] / 1000, b = a + r[2]; return inWindow.some((g) => g.end > a && g.start < b) }
  const share = (rs) => `${(100 * rs.filter(during).length / Math.max(1, rs.length)).toFixed(0)} %`
  console.log(`replies in flight during a collection: slowest 1 % ${share(top)}, all ${share(traced)}`)
  console.log('collections near the worst ticks (start ms from the tick start / duration):')
  for (const [tick] of worst.slice(0, 8)) {
    const x = ticks.get(tick)
    const near = gcs.filter((g) => g.start - x.mono / 1000 > -60 && g.start - x.mono / 1000 < x.done + 10)
    console.log(`  tick ${tick}: ${near.map((g) => `${KIND[g.kind] ?? g.kind} at ${(g.start - x.mono / 1000).toFixed(1)} / ${g.ms.toFixed(1)}`).join(', ') || 'none'}`)
  }
}
