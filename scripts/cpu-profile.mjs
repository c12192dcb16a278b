#!/usr/bin/env node
// Where a `--cpu-prof` profile's time went: self and total time per function, largest first, with
// TypeScript functions named by their source line (scripts/lib/ts-lines.mjs).
//   node scripts/cpu-profile.mjs PROFILE [TOP=30] [FROM_US TO_US]
// FROM_US/TO_US keep only samples in that window of CLOCK_MONOTONIC µs (the clock of a tick
// trace's `mono` and of HEXD_BENCH_REPLIES), e.g. a bench run's measured ticks.
import { readFileSync } from 'node:fs'
import { sourceLine } from './lib/ts-lines.mjs'

const [file, topArg, fromArg, toArg] = process.argv.slice(2)
if (!file) {
  console.error('usage: node scripts/cpu-profile.mjs PROFILE [TOP] [FROM_US TO_US]')
  process.exit(64)
}
const top = Number(topArg ?? 30)
if (!Number.isInteger(top) || top <= 0) {
  console.error(`cpu-profile: TOP must be a positive integer, got ${JSON.stringify(topArg)} (one PROFILE at a time)`)
  process.exit(64)
}
const from = fromArg ? Number(fromArg) : -Infinity
const to = toArg ? Number(toArg) : Infinity
const prof = JSON.parse(readFileSync(file, 'utf8'))
const byId = new Map(prof.nodes.map((n) => [n.id, n]))
const parent = new Map()
for (const n of prof.nodes) for (const c of n.children ?? []) parent.set(c, n.id)
const name = (n) => {
  const f = n.callFrame
  const url = f.url.replace(/^file:\/\/.*?\/(src|node_modules)\//, '$1/')
  return `${f.functionName || '(anonymous)'} ${url}${url ? ':' + sourceLine(f) : ''}`
}
const self = new Map(), total = new Map()
let t = prof.startTime, all = 0
for (let i = 0; i < prof.samples.length; i++) {
  t += prof.timeDeltas[i]
  if (t < from || t > to) continue
  const dt = prof.timeDeltas[i + 1] ?? 0
  all += dt
  let id = prof.samples[i]
  const leaf = name(byId.get(id))
  self.set(leaf, (self.get(leaf) ?? 0) + dt)
  const seen = new Set()
  for (; id !== undefined; id = parent.get(id)) {
    const k = name(byId.get(id))
    if (seen.has(k)) continue
    seen.add(k)
    total.set(k, (total.get(k) ?? 0) + dt)
  }
}
const show = (title, m) => {
  console.log(title)
  for (const [k, v] of [...m].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${(100 * v / all).toFixed(1).padStart(5)} %  ${k}`)
}
console.log(`${(all / 1e6).toFixed(2)} s sampled`)
show('self:', self)
show('total (inclusive):', total)
