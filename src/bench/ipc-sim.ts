/**
 * The `sim_overhead` part of `hexd bench ipc`: what running the kernel in a
 * separate worker process costs against a thread of the daemon, on the
 * issue's workload (`hexd sim --size 100 --ticks 1000`, one request per tick).
 * Both modes run the same `runSim` in this process, interleaved in ABBA
 * order (P T, T P, P T, ...) after one unmeasured warm-up run of each, so a
 * drift in machine load hits both alike. Each pair gives a ratio process /
 * thread; the figure is the median of those ratios (robust to an outlier
 * run), reported with the spread of the ratios (25th-75th percentile, min,
 * max) so a reader can tell whether the difference is resolved at all, and
 * the ratio of each mode's fastest run (the least disturbed one on a busy
 * machine). CPU time is reported too (whole runSim call: this process, plus
 * the worker process's own CPU time from /proc/<pid>/task/<tid>/schedstat in process
 * mode): it is far less sensitive to other load than elapsed time, though it
 * does not see time spent waiting for a wake-up.
 *
 * The steadiest figure is the tick-interleaved one (`interleaved`): two
 * worlds of the same seed, one per mode, stepped alternately tick by tick
 * (which one goes first alternates too), each step timed. Both see the same
 * machine within a fraction of a millisecond, so load bursts that swing whole
 * runs by tens of percent hit both; the ratio of the median step times is the
 * per-tick overhead (also given: the ratio of the summed times, and the
 * spread of the median ratio over blocks of 100 ticks). A pair of worlds can
 * carry a bias of its own (where the scheduler keeps its threads, where its
 * memory landed), so this is repeated over `rounds` fresh pairs (alternating
 * which world is created first) and the median over rounds is reported with
 * the rounds' range.
 *
 * @example
 * const r = await runSimOverhead({ size: 100, ticks: 1000, reps: 7, seed: 1 })
 * r.overhead_pct        // e.g. 0.8 (process 0.8 % slower than thread)
 * r.overhead_pct_p25_p75 // e.g. [-1.2, 2.9]
 */
import { readdirSync, readFileSync } from 'node:fs'
import { runSim, SIM_ALL_ACTIVE_CHUNKS } from '../engine/sim.ts'
import { World } from '../engine/world.ts'
import { chunkCount } from '../engine/chunks.ts'
import { NativeBackend, selectBackend, type Compute } from '../native/backend.ts'

/** A process's CPU time so far, ms: the sum over its threads of /proc/<pid>/task/<tid>/schedstat's first field (ns on CPU). */
function procCpuMs(pid: number): number {
  let ns = 0
  try {
    for (const tid of readdirSync(`/proc/${pid}/task`)) ns += Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ')[0])
  } catch {
    // the process is gone: count what was read
  }
  return ns / 1e6
}

export interface InterleavedRound {
  /** Median step time per mode, µs. */
  process_step_us_median: number
  thread_step_us_median: number
  /** Median process step / median thread step - 1, %. */
  overhead_pct: number
  /** Sum of process step times / sum of thread step times - 1, % (sensitive to a few disturbed steps). */
  overhead_pct_of_sums: number
  /** overhead_pct per block of 100 paired ticks: min and max. */
  overhead_pct_blocks_min: number
  overhead_pct_blocks_max: number
}

export interface InterleavedOverhead {
  ticks: number
  /** One entry per round (a fresh pair of worlds; rounds alternate which world is created first). */
  rounds: InterleavedRound[]
  /** Median over rounds of the rounds' overhead_pct: the figure (goal <= 2). */
  overhead_pct: number
  overhead_pct_min: number
  overhead_pct_max: number
  hashes_match: boolean
}

export interface SimOverhead {
  size: number
  ticks: number
  /** Measured runs per mode (after one warm-up run each). */
  reps: number
  /** elapsedMs of each measured run, in run order. */
  process_ms: number[]
  thread_ms: number[]
  process_median_ms: number
  thread_median_ms: number
  /** Median over pairs of (process / thread - 1) × 100. The goal is <= 2. */
  overhead_pct: number
  /** 25th and 75th percentile of the pair overheads, %. */
  overhead_pct_p25_p75: [number, number]
  overhead_pct_min: number
  overhead_pct_max: number
  /** Fastest process run / fastest thread run - 1, %. */
  overhead_pct_of_min: number
  /** CPU ms of each run (this process + the worker process), run order. */
  process_cpu_ms: number[]
  thread_cpu_ms: number[]
  /** Median over pairs of (process CPU / thread CPU - 1) × 100, and its p25/p75. */
  cpu_overhead_pct: number
  cpu_overhead_pct_p25_p75: [number, number]
  /** Tick-interleaved comparison (see file header). */
  interleaved: InterleavedOverhead
  /** Every run printed the same world hash. */
  hashes_match: boolean
  hash: string
}

function quantile(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b)
  const at = (s.length - 1) * q
  const lo = Math.floor(at), hi = Math.ceil(at)
  return s[lo] + (s[hi] - s[lo]) * (at - lo)
}

const r2 = (x: number): number => Math.round(x * 100) / 100

/**
 * One round: two worlds, one per mode, stepped alternately; every step timed.
 * `processFirst`: which world is created (and so placed in memory) first.
 */
async function interleavedRound(seed: number, size: number, ticks: number, processFirst: boolean): Promise<{ round: InterleavedRound; hashesMatch: boolean }> {
  const allActive = chunkCount(size) <= SIM_ALL_ACTIVE_CHUNKS  // as runSim does
  const open = (c: Compute): { sel: ReturnType<typeof selectBackend>; w: World } => {
    const sel = selectBackend(c, {})
    if (sel.compute !== c) throw new Error(`--compute ${c} is unavailable: ${sel.fallback}`)
    return { sel, w: new World({ seed, size, backend: sel.backend, allocate: sel.allocate, allActive }) }
  }
  const opened: Array<ReturnType<typeof open>> = []
  try {
    let p, t
    if (processFirst) { p = open('process'); opened.push(p); t = open('thread'); opened.push(t) }
    else { t = open('thread'); opened.push(t); p = open('process'); opened.push(p) }
    const wp = p.w, wt = t.w
    for (let k = 0; k < 20; k++) { await wp.stepAsync([]); await wt.stepAsync([]) } // warm-up, not timed
    const dp: number[] = [], dt: number[] = []
    const step = async (w: World, out: number[]): Promise<void> => {
      const t0 = process.hrtime.bigint()
      await w.stepAsync([])
      out.push(Number(process.hrtime.bigint() - t0) / 1000)
    }
    for (let k = 0; k < ticks; k++) {
      if (k % 2 === 0) { await step(wp, dp); await step(wt, dt) }
      else { await step(wt, dt); await step(wp, dp) }
    }
    const sum = (xs: number[]): number => xs.reduce((a, b) => a + b, 0)
    const med = (xs: number[]): number => quantile(xs, 0.5)
    const blocks: number[] = []
    for (let b = 0; b + 100 <= ticks; b += 100) blocks.push((med(dp.slice(b, b + 100)) / med(dt.slice(b, b + 100)) - 1) * 100)
    if (blocks.length === 0) blocks.push((med(dp) / med(dt) - 1) * 100)
    return {
      round: {
        process_step_us_median: r2(med(dp)), thread_step_us_median: r2(med(dt)),
        overhead_pct: r2((med(dp) / med(dt) - 1) * 100),
        overhead_pct_of_sums: r2((sum(dp) / sum(dt) - 1) * 100),
        overhead_pct_blocks_min: r2(Math.min(...blocks)), overhead_pct_blocks_max: r2(Math.max(...blocks)),
      },
      hashesMatch: wp.hash() === wt.hash(),
    }
  } finally {
    for (const o of opened) await o.sel.backend.close?.()
  }
}

async function interleaved(seed: number, size: number, ticks: number, rounds: number): Promise<InterleavedOverhead> {
  const out: InterleavedRound[] = []
  let match = true
  for (let i = 0; i < rounds; i++) {
    const r = await interleavedRound(seed, size, ticks, i % 2 === 0)
    out.push(r.round)
    match &&= r.hashesMatch
  }
  const o = out.map((r) => r.overhead_pct)
  return { ticks, rounds: out, overhead_pct: r2(quantile(o, 0.5)), overhead_pct_min: Math.min(...o), overhead_pct_max: Math.max(...o), hashes_match: match }
}

/** Runs the comparison (see file header). Defaults: seed 1. */
export async function runSimOverhead(o: { size: number; ticks: number; reps: number; seed?: number; rounds?: number }): Promise<SimOverhead> {
  const seed = o.seed ?? 1
  const hashes = new Set<string>()
  const one = async (compute: Compute): Promise<{ ms: number; cpu: number }> => {
    const sel = selectBackend(compute, {})
    if (sel.compute !== compute) throw new Error(`--compute ${compute} is unavailable: ${sel.fallback}`)
    try {
      const c0 = process.cpuUsage()
      const r = await runSim({ seed, size: o.size, ticks: o.ticks, backend: sel.backend, allocate: sel.allocate })
      const c = process.cpuUsage(c0)
      const pid = sel.backend instanceof NativeBackend ? sel.backend.supervisor?.pid ?? 0 : 0
      hashes.add(r.hash)
      return { ms: r.elapsedMs, cpu: (c.user + c.system) / 1000 + (pid ? procCpuMs(pid) : 0) }
    } finally {
      await sel.backend.close?.()
    }
  }
  await one('process')
  await one('thread')
  const proc: number[] = [], thr: number[] = [], procCpu: number[] = [], thrCpu: number[] = []
  const add = async (compute: Compute): Promise<void> => {
    const r = await one(compute)
    ;(compute === 'process' ? proc : thr).push(r.ms)
    ;(compute === 'process' ? procCpu : thrCpu).push(Math.round(r.cpu * 10) / 10)
  }
  for (let i = 0; i < o.reps; i++) {
    if (i % 2 === 0) { await add('process'); await add('thread') }
    else { await add('thread'); await add('process') }
  }
  const inter = await interleaved(seed, o.size, o.ticks, o.rounds ?? 9)
  const pairs = proc.map((p, i) => (p / thr[i] - 1) * 100)
  const cpuPairs = procCpu.map((p, i) => (p / thrCpu[i] - 1) * 100)
  return {
    size: o.size, ticks: o.ticks, reps: o.reps,
    process_ms: proc, thread_ms: thr,
    process_median_ms: quantile(proc, 0.5), thread_median_ms: quantile(thr, 0.5),
    overhead_pct: r2(quantile(pairs, 0.5)),
    overhead_pct_p25_p75: [r2(quantile(pairs, 0.25)), r2(quantile(pairs, 0.75))],
    overhead_pct_min: r2(Math.min(...pairs)), overhead_pct_max: r2(Math.max(...pairs)),
    overhead_pct_of_min: r2((Math.min(...proc) / Math.min(...thr) - 1) * 100),
    process_cpu_ms: procCpu, thread_cpu_ms: thrCpu,
    cpu_overhead_pct: r2(quantile(cpuPairs, 0.5)),
    cpu_overhead_pct_p25_p75: [r2(quantile(cpuPairs, 0.25)), r2(quantile(cpuPairs, 0.75))],
    interleaved: inter,
    hashes_match: hashes.size === 1 && inter.hashes_match, hash: [...hashes][0] ?? '',
  }
}
