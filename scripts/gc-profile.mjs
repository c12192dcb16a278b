#!/usr/bin/env node
// Every garbage collection of a process, with the heap before and after it (node's
// v8.GCProfiler): how many scavenges, how long each took, what survived them, and how many bytes
// were allocated between them. The companion of alloc-profile.mjs (which says where).
//
// Preload it into the process to watch; it writes $HEXD_GC_PROFILE (default
// /tmp/gc-<pid>.json) at exit. HEXD_GC_START_MS=N starts N ms after the preload.
//   HEXD_BENCH_NODE_ARGS=--import=$PWD/scripts/gc-profile.mjs HEXD_GC_START_MS=12000 \
//     npx hexd bench net --json
// Summarize:
//   node scripts/gc-profile.mjs /tmp/gc-1234.json
import { GCProfiler } from 'node:v8'
import { readFileSync, writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

function record() {
  const out = process.env.HEXD_GC_PROFILE ?? `/tmp/gc-${process.pid}.json`
  const profiler = new GCProfiler()
  let started = false
  const start = () => { started = true; profiler.start() }
  const delay = Number(process.env.HEXD_GC_START_MS ?? 0)
  if (delay > 0) setTimeout(start, delay).unref()
  else start()
  process.on('exit', () => {
    if (!started) return
    const r = profiler.stop()
    if (r) writeFileSync(out, JSON.stringify(r))
  })
}

const used = (h) => h.heapStatistics.usedHeapSize
const space = (h, name) => h.heapSpaceStatistics.find((s) => s.spaceName === name)?.spaceUsedSize ?? 0

function summarize(file) {
  if (!file) {
    console.error('usage: node scripts/gc-profile.mjs PROFILE')
    process.exit(64)
  }
  const r = JSON.parse(readFileSync(file, 'utf8'))
  const st = r.statistics
  const seconds = (r.endTime - r.startTime) / 1000
  // Allocated between two collections = heap used before this one - heap used after the last.
  let allocated = 0
  for (let i = 1; i < st.length; i++) allocated += Math.max(0, used(st[i].beforeGC) - used(st[i - 1].afterGC))
  const byType = new Map()
  for (const g of st) {
    const t = byType.get(g.gcType) ?? { n: 0, costs: [], survived: [] }
    t.n++
    t.costs.push(g.cost / 1000)
    if (g.gcType === 'Scavenge') t.survived.push(space(g.afterGC, 'new_space'))
    byType.set(g.gcType, t)
  }
  const q = (a, p) => { const s = [...a].sort((x, y) => x - y); return s.length ? s[Math.min(s.length - 1, Math.floor(p * s.length))] : 0 }
  const out = {
    seconds: Math.round(seconds * 10) / 10,
    allocated_mb_per_s: Math.round(allocated / 1e6 / seconds),
    types: Object.fromEntries([...byType].map(([k, t]) => [k, {
      count: t.n,
      ms_total: Math.round(t.costs.reduce((a, b) => a + b, 0)),
      ms_p50: Math.round(q(t.costs, 0.5) * 10) / 10,
      ms_max: Math.round(Math.max(...t.costs) * 10) / 10,
      ...(t.survived.length ? { survived_kb_p50: Math.round(q(t.survived, 0.5) / 1024) } : {}),
    }])),
  }
  console.log(JSON.stringify(out, null, 1))
}

const isMain = process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]
if (isMain) summarize(process.argv[2])
else record()
