/**
 * `hexd serve --tick-trace FILE` (HEXD_TICK_TRACE): one JSON line per tick saying where that
 * tick's time went, for finding what makes a latency p99 (docs/SERVE.md "Reading a tick trace").
 * The Prometheus histograms give the distribution of each phase; a trace shows the ticks
 * themselves, in order, next to what else the process was doing at the time.
 *
 * Fields (ms unless said): `tick`; `at` (tick start, ms since the daemon started); `mono` (tick
 * start in µs of CLOCK_MONOTONIC: the clock of `hexd bench net`'s reply file, HEXD_BENCH_REPLIES,
 * and of a `--cpu-prof` profile's timestamps, so all three line up); `late` (start
 * against its schedule); `step` (world step done); `first` (first submitter's frames written,
 * null when nobody submitted); `done` (everything answered and written); `actions` (in the
 * batch); `cpu` (main-thread CPU time from start to done, Linux `/proc/thread-self/schedstat`,
 * else null: `done` much larger than `cpu` means the thread was waiting or not scheduled);
 * `gc` (time of the garbage collections that overlapped the span from start to done, by when
 * they ran); `elu` (event-loop utilization since the previous tick ended, 0..1). A tick's line is
 * written at the next tick's start: V8 reports a collection to observers only afterwards.
 *
 * Off by default; when on it costs one small read of /proc and one buffered line per tick.
 *
 * @example
 * const trace = TickTrace.open('/tmp/ticks.jsonl')
 * const mark = trace.begin(lateMs)   // at the tick's start
 * mark.step(); mark.first(); trace.end(mark, tick, actions)
 * await trace.close()
 */
import { createWriteStream, readFileSync, type WriteStream } from 'node:fs'
import { performance, PerformanceObserver } from 'node:perf_hooks'

/** CPU ns of the calling thread so far, or NaN where /proc/thread-self/schedstat is missing. */
function threadCpuNs(): number {
  try { return Number(readFileSync('/proc/thread-self/schedstat', 'utf8').split(' ', 1)[0]) } catch { return NaN }
}

/** One tick's marks, made by `TickTrace.begin`. */
export class TickMark {
  /** When the step was done / the first frames were written (NaN until then). */
  stepAt = NaN
  firstAt = NaN
  constructor(readonly t0: number, readonly cpu0: number, readonly late: number) {}
  /** The world step is done. */
  step(): void { this.stepAt = performance.now() }
  /** The first submitter's frames are written (only the first call counts). */
  first(): void { if (Number.isNaN(this.firstAt)) this.firstAt = performance.now() }
}

// performance.now() counts from the process's start on the same clock as process.hrtime
// (CLOCK_MONOTONIC): the offset between them is fixed. (performance.timeOrigin, an epoch time,
// is only good to about a millisecond between processes.)
const MONO_OFFSET_MS = Number(process.hrtime.bigint()) / 1e6 - performance.now()

/**
 * A `performance.now()` reading as µs of CLOCK_MONOTONIC, comparable between processes of one
 * machine (the trace's `mono`, `hexd bench net`'s reply file).
 *
 * @example
 * monoUs(performance.now()) // e.g. 1648283465 (µs since boot)
 */
export function monoUs(perfNowMs: number): number { return Math.round((perfNowMs + MONO_OFFSET_MS) * 1000) }

const r2 = (x: number): number | null => (Number.isFinite(x) ? Math.round(x * 100) / 100 : null)

export class TickTrace {
  /** Collections seen so far and not yet older than every line still to write: [start, end] ms. */
  private gcs: Array<[number, number]> = []
  /** The last tick's line, written once its collections have been reported (see `end`). */
  private pending: { line: Record<string, unknown>; t0: number; t1: number } | null = null
  private readonly observer: PerformanceObserver
  private elu = performance.eventLoopUtilization()

  private constructor(private readonly out: WriteStream) {
    this.observer = new PerformanceObserver((list) => { for (const e of list.getEntries()) this.gcs.push([e.startTime, e.startTime + e.duration]) })
    this.observer.observe({ entryTypes: ['gc'] })
  }

  /** Starts tracing into `file` (truncated). */
  static open(file: string): TickTrace {
    return new TickTrace(createWriteStream(file))
  }

  /** Call at the tick's start with how late it started. */
  begin(lateMs: number): TickMark {
    this.flush()
    return new TickMark(performance.now(), threadCpuNs(), lateMs)
  }

  /**
   * Call once the tick's answers and diffs are all written: its line is appended at the next
   * tick's start (or at close). Why not now: V8 reports a collection to observers in a later
   * task, so the collections of this tick are known only after it; `gc` is the time of the
   * collections that overlapped the tick's span, by their start and duration. `pacingMs` is the
   * daemon's delivery pacing then (0 = every tick; daemon.ts), left out when not given.
   */
  end(m: TickMark, tick: number, actions: number, pacingMs?: number): void {
    const now = performance.now()
    const elu = performance.eventLoopUtilization(this.elu)
    this.elu = performance.eventLoopUtilization()
    this.flush()
    this.pending = {
      t0: m.t0, t1: now,
      line: {
        tick, at: Math.round(m.t0), mono: monoUs(m.t0), late: r2(m.late), step: r2(m.stepAt - m.t0), first: r2(m.firstAt - m.t0), done: r2(now - m.t0),
        actions, cpu: r2((threadCpuNs() - m.cpu0) / 1e6), gc: 0, elu: r2(elu.utilization),
        ...(pacingMs !== undefined ? { pacing: r2(pacingMs) } : {}),
      },
    }
  }

  /** Writes the pending line with the collections that overlapped its tick. */
  private flush(): void {
    const p = this.pending
    if (!p) return
    this.pending = null
    let ms = 0
    for (const [a, b] of this.gcs) ms += Math.max(0, Math.min(b, p.t1) - Math.max(a, p.t0))
    p.line.gc = r2(ms)
    // Collections that ended before this tick did can no longer overlap a later one.
    this.gcs = this.gcs.filter(([, b]) => b > p.t1)
    this.out.write(JSON.stringify(p.line) + '\n')
  }

  /** Writes the last line (after the collections of its tick are reported), stops observing and flushes the file. */
  async close(): Promise<void> {
    await new Promise((r) => setImmediate(r))
    this.flush()
    this.observer.disconnect()
    return new Promise((resolve) => this.out.end(resolve))
  }
}
