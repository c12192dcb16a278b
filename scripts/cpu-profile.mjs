#!/usr/bin/env node
// Where a `--cpu-prof` profile's time went: self and total time per function, largest first, with
// TypeScript functions named by their source line (scripts/lib/ts-lines.mjs).
//   node scripts/cpu-profile.mjs PROFILE [TOP=30] [FROM_US TO_US] [--phases TRACE]
// FROM_US/TO_US keep only samples in that window of CLOCK_MONOTONIC µs (the clock of a tick
// trace's `mono` and of HEXD_BENCH_REPLIES), e.g. a bench run's measured ticks.
// --phases TRACE keeps only samples inside the answer phases of a tick trace's ticks (a tick's
// start to its `done`): what the main thread does while a thousand replies wait to go out.
import { readFileSync } from 'node:fs'
import { sourceLine } from './lib/ts-lines.mjs'

const argv = process.argv.slice(2)
const phasesAt = argv.indexOf('--phases')
const phasesFile = phasesAt >= 0 ? argv.splice(phasesAt, 2)[1] : undefined
const [file, topArg, fromArg, toArg] = argv
if (!file || (phasesAt >= 0 && !phasesFile)) {
  console.error('usage: node scripts/cpu-profile.mjs PROFILE [TOP] [FROM_US TO_US] [--phases TRACE]')
  process.exit(64)
}
const top = Number(topArg ?? 30)
if (!Number.isInteger(top) || top <= 0) {
  console.error(`cpu-profile: TOP must be a positive integer, got ${JSON.stringify(topArg)} (one PROFILE at a time)`)
  process.exit(64)
}
const from = fromArg ? Number(fromArg) : -Infinity
const to = toArg ? Number(toArg) : Infinity
// Answer phases as [start, end] µs, sorted by start (ticks without a `mono` or `done` are left out).
const phases = phasesFile
  ? readFileSync(phasesFile, 'utf8').trim().split('\n').map((l) => JSON.parse(l))
    .filter((x) => typeof x.mono === 'number' && typeof x.done === 'number').map((x) => [x.mono, x.mono + x.done * 1000]).sort((a, b) => a[0] - b[0])
  : null
let ph = 0
const inPhase = (t) => {
  if (!phases) return true
  while (ph < phases.length && phases[ph][1] < t) ph++ // samples come in time order
  return ph < phases.length && phases[ph][0] <= t
}
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
  if (t < from || t > to || !inPhase(t)) continue
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
