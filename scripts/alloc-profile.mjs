#!/usr/bin/env node
// Where a process allocates, counting what young-generation GC collected too (a plain heap
// snapshot sees only survivors, and per-tick garbage is what costs scavenges).
//
// Preload it into the process to profile; it samples V8's heap allocations from start to exit
// and writes the raw profile to $HEXD_ALLOC_PROFILE (default /tmp/alloc-<pid>.heapprofile):
//   HEXD_BENCH_NODE_ARGS=--import=$PWD/scripts/alloc-profile.mjs npx hexd bench net --json
// Then summarize it (sites by self bytes, largest first):
//   node scripts/alloc-profile.mjs /tmp/alloc-1234.heapprofile [TOP=25]
// HEXD_ALLOC_START_MS=N starts sampling N ms after the preload instead of at once (to leave out a
// warm-up: bench net's daemon starts, then 1000 clients join for ~8 s, then the window is measured).
// HEXD_ALLOC_LIVE=1 keeps only what is still alive when sampling stops, and HEXD_ALLOC_STOP_MS=M
// stops M ms after it started: what was allocated in those M ms and outlived them, i.e. what
// scavenges had to copy (and promote) rather than what they collected.
// HEXD_ALLOC_PROMOTED=1 drops what scavenges collected but keeps what mark-compacts did: over a
// window that holds a mark-compact, what the young generation promoted to the old one, garbage
// included (what fills the old generation and so sets how often mark-compacts come).
// The `.heapprofile` file also opens in Chrome DevTools (Memory tab, Load).
import { Session } from 'node:inspector'
import { readFileSync, writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { sourceLine } from './lib/ts-lines.mjs'


function record() {
  const out = process.env.HEXD_ALLOC_PROFILE ?? `/tmp/alloc-${process.pid}.heapprofile`
  const session = new Session()
  session.connect()
  // 32 KiB mean interval: ~1 sample per 32 KiB allocated, cheap enough to leave the timing shape.
  const live = process.env.HEXD_ALLOC_LIVE === '1'
  const promoted = process.env.HEXD_ALLOC_PROMOTED === '1'
  const stopAfter = Number(process.env.HEXD_ALLOC_STOP_MS ?? 0)
  let started = false
  const start = () => {
    started = true
    session.post('HeapProfiler.startSampling', { samplingInterval: live || promoted ? 4096 : 32768, includeObjectsCollectedByMinorGC: !live && !promoted, includeObjectsCollectedByMajorGC: !live })
    if (stopAfter > 0) setTimeout(write, stopAfter).unref()
  }
  let written = false
  const write = () => {
    if (written || !started) return
    written = true
    // The main thread's inspector session answers synchronously, so this works in 'exit'.
    session.post('HeapProfiler.stopSampling', (err, res) => {
      if (!err) writeFileSync(out, JSON.stringify(res.profile))
    })
  }
  const delay = Number(process.env.HEXD_ALLOC_START_MS ?? 0)
  if (delay > 0) setTimeout(start, delay).unref()
  else start()
  process.on('exit', write)
}

function summarize(file, top) {
  if (!file) {
    console.error('usage: node scripts/alloc-profile.mjs PROFILE [TOP]')
    process.exit(64)
  }
  if (!Number.isInteger(top) || top <= 0) {
    console.error(`alloc-profile: TOP must be a positive integer, got ${JSON.stringify(process.argv[3])}`)
    process.exit(64)
  }
  const profile = JSON.parse(readFileSync(file, 'utf8'))
  const bySite = new Map()
  let total = 0
  const walk = (node) => {
    const f = node.callFrame
    const self = node.selfSize
    if (self > 0) {
      const url = f.url.replace(/^file:\/\/.*?\/(src|node_modules)\//, '$1/')
      const key = `${f.functionName || '(anonymous)'} ${url}:${sourceLine(f)}`
      bySite.set(key, (bySite.get(key) ?? 0) + self)
      total += self
    }
    for (const c of node.children) walk(c)
  }
  walk(profile.head)
  const rows = [...bySite].sort((a, b) => b[1] - a[1]).slice(0, top)
  console.log(`total sampled ${(total / 1e6).toFixed(1)} MB`)
  for (const [k, v] of rows) console.log(`${(100 * v / total).toFixed(1).padStart(5)} %  ${(v / 1e6).toFixed(1).padStart(7)} MB  ${k}`)
}

const isMain = process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]
if (isMain) summarize(process.argv[2], Number(process.argv[3] ?? 25))
else record()
