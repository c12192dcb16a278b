/**
 * `hexd bench net --rounds R`: the whole benchmark (a fresh daemon, then a fresh echo server)
 * R times in a row, and the goal read on the medians.
 *
 * Why: on a 2-vCPU machine one run's p99 is set by two or three slow ticks, and the echo
 * baseline's p99 by a few stalls of the load generator; both swing by tens of ms from run to run
 * (docs/SERVE.md "Fifth pass"). A single run can meet or miss the goal by luck on either side.
 * Alternating daemon and echo runs and comparing the median daemon p99 with the limit from the
 * median echo p99 reads the goal on what the two typically do on this machine; every round's own
 * figures and verdict are kept beside it.
 *
 * @example
 * const r = await runNetRounds({ clients: 1000, duration: 8, ups: 20, size: 16, mailboxConns: 16, json: true, store: 'auto' }, 5)
 * r.summary.p99_met   // median daemon p99 <= median echo p99 × 2 + one tick
 * r.summary.rounds_met // rounds that met their own limit
 */
import { median } from './stats.ts'
import { runNetBench, type NetBenchOptions } from './net.ts'

/** The per-round figures the summary reads (the rest of each round's report is kept whole under `runs`). */
interface RoundReport {
  latency_ms: { p50: number; p90: number; p99: number }
  echo_latency_ms: { p99: number }
  goal: { p99_limit_ms: number; p99_met: boolean; gaps_met: boolean; ups_held: boolean }
  seq_gaps: number
  ups_measured: number
  daemon_cpu_us_per_reply: number
}

const r3 = (x: number) => Math.round(x * 1000) / 1000

/** Runs `rounds` whole benchmarks one after another (default 3); see the file header. */
export async function runNetRounds(o: NetBenchOptions, rounds = 3, run: (o: NetBenchOptions) => Promise<Record<string, unknown>> = runNetBench): Promise<Record<string, unknown>> {
  if (!(Number.isSafeInteger(rounds) && rounds >= 1)) throw new RangeError(`rounds must be a positive integer, got ${rounds}`)
  const runs: Array<Record<string, unknown>> = []
  // Each round's daemon truncates its tick trace when it opens it: with several rounds, each gets
  // its own file (FILE.1, FILE.2, ...), named in its report, so no round's trace is lost. The same
  // for the load generator's reply file (HEXD_BENCH_REPLIES).
  const files = { HEXD_TICK_TRACE: 'tick_trace', HEXD_BENCH_REPLIES: 'replies_file' } as const
  const given = Object.fromEntries(Object.keys(files).map((k) => [k, process.env[k]])) as Record<keyof typeof files, string | undefined>
  try {
    for (let i = 0; i < rounds; i++) {
      if (process.stderr.isTTY) process.stderr.write(`bench net: round ${i + 1} of ${rounds}\n`)
      const named: Record<string, string> = {}
      for (const [k, field] of Object.entries(files) as Array<[keyof typeof files, string]>) {
        const f = given[k]
        if (!f) continue
        if (rounds > 1) process.env[k] = `${f}.${i + 1}`
        named[field] = process.env[k]!
      }
      const r = await run(o)
      runs.push({ ...r, ...named })
    }
  } finally {
    for (const k of Object.keys(files) as Array<keyof typeof files>) if (given[k] !== undefined) process.env[k] = given[k]
  }
  const rs = runs as unknown as RoundReport[]
  const p99 = rs.map((r) => r.latency_ms.p99), echo = rs.map((r) => r.echo_latency_ms.p99)
  const medP99 = median(p99), medEcho = median(echo)
  const limit = medEcho * 2 + 1000 / o.ups
  return {
    rounds,
    summary: {
      // Each round's figures in order, then their medians and the goal on the medians.
      p50_ms: rs.map((r) => r.latency_ms.p50),
      p90_ms: rs.map((r) => r.latency_ms.p90),
      p99_ms: p99,
      echo_p99_ms: echo,
      round_limits_ms: rs.map((r) => r.goal.p99_limit_ms),
      daemon_cpu_us_per_reply: rs.map((r) => r.daemon_cpu_us_per_reply),
      median_p50_ms: median(rs.map((r) => r.latency_ms.p50)),
      median_p99_ms: medP99,
      median_echo_p99_ms: medEcho,
      p99_limit_ms: r3(limit),
      p99_met: medP99 <= limit,
      rounds_met: rs.filter((r) => r.goal.p99_met).length,
      gaps_met: rs.every((r) => r.goal.gaps_met && r.seq_gaps === 0),
      ups_held: rs.every((r) => r.goal.ups_held),
    },
    runs,
  }
}
