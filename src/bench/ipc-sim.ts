/**
 * The `sim_overhead` part of `hexd bench ipc`: what running the kernel in a
 * separate worker process costs against a thread of the daemon, on the
 * issue's workload (`hexd sim --size 100 --ticks 1000`, one request per tick).
 * Both modes run the same `runSim` in this process, interleaved in ABBA
 * order (P T, T P, P T, ...) after one unmeasured warm-up run of each, so a
 * drift in machine load hits both alike. Each pair gives a ratio process /
 * thread; the figure is the median of those ratios (robust to an outlier
 * run), reported with the spread of the ratios (25th-75th percentile, min,
 * max) so a reader can tell whether the difference is resolved at all.
 *
 * @example
 * const r = await runSimOverhead({ size: 100, ticks: 1000, reps: 7, seed: 1 })
 * r.overhead_pct        // e.g. 0.8 (process 0.8 % slower than thread)
 * r.overhead_pct_p25_p75 // e.g. [-1.2, 2.9]
 */
import { runSim } from '../engine/sim.ts'
import { selectBackend, type Compute } from '../native/backend.ts'

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

/** Runs the comparison (see file header). Defaults: seed 1. */
export async function runSimOverhead(o: { size: number; ticks: number; reps: number; seed?: number }): Promise<SimOverhead> {
  const seed = o.seed ?? 1
  const hashes = new Set<string>()
  const one = async (compute: Compute): Promise<number> => {
    const sel = selectBackend(compute, {})
    if (sel.compute !== compute) throw new Error(`--compute ${compute} is unavailable: ${sel.fallback}`)
    try {
      const r = await runSim({ seed, size: o.size, ticks: o.ticks, backend: sel.backend, allocate: sel.allocate })
      hashes.add(r.hash)
      return r.elapsedMs
    } finally {
      await sel.backend.close?.()
    }
  }
  await one('process')
  await one('thread')
  const proc: number[] = [], thr: number[] = []
  for (let i = 0; i < o.reps; i++) {
    if (i % 2 === 0) { proc.push(await one('process')); thr.push(await one('thread')) }
    else { thr.push(await one('thread')); proc.push(await one('process')) }
  }
  const pairs = proc.map((p, i) => (p / thr[i] - 1) * 100)
  return {
    size: o.size, ticks: o.ticks, reps: o.reps,
    process_ms: proc, thread_ms: thr,
    process_median_ms: quantile(proc, 0.5), thread_median_ms: quantile(thr, 0.5),
    overhead_pct: r2(quantile(pairs, 0.5)),
    overhead_pct_p25_p75: [r2(quantile(pairs, 0.25)), r2(quantile(pairs, 0.75))],
    overhead_pct_min: r2(Math.min(...pairs)), overhead_pct_max: r2(Math.max(...pairs)),
    hashes_match: hashes.size === 1, hash: [...hashes][0] ?? '',
  }
}
