/**
 * The native columns of `hexd bench kernel`: the same world (same seed, size,
 * warm-up, restored from one snapshot) and the same ticks as the TS reference
 * run in src/bench/kernel.ts, ticked by the native kernel (each figure the
 * median of `reps` timed samples, see "Medians" below):
 *   native_cups          one multi-tick request to the kernel (`--compute thread`,
 *                        one kernel thread per core; the worker commits each tick)
 *   native_cups_1thread  the same with one kernel thread (per-core figure)
 *   native_cups_stepped  tick by tick through World.stepAsync like the TS run, so
 *                        it includes the engine's per-step TypeScript bookkeeping
 *   ts_kernel_cups       baseline for the kernel alone: the TS backend's tick()
 *                        time only, same world, same ticks
 *   *_per_cpu_s          the same per CPU-second (robust when the machine is busy)
 *   native_long_*        one request of `longTicks` ticks (one thread, per CPU-s):
 *                        the per-request costs (first tick, final hashes) spread thin
 * Counting. Like ts_cups, the `*_cups` figures count every active cell every
 * tick: a sleeping chunk (skipped, both copies already equal) counts as
 * updated. The `*_computed_*` figures count only the cells the kernel
 * actually computed (the kernel's own cellsUpdated: sleeping chunks excluded),
 * and `native_computed_fraction` says how many that was.
 * Every run must end on the TS run's hash (hashes_match_native).
 *
 * Medians (seventh pass). Each native configuration (2 threads, 1 thread,
 * stepped; the long request too) is timed `reps` times (default 7), every
 * sample from the same snapshot on a fresh backend after the same 3 warm-up
 * steps, the configurations interleaved (all of one sample round, then the
 * next), and every figure above is the MEDIAN of its samples. One 20-tick
 * request at n=256 is ~4-7 ms, and on this 2-core VM a single one swung from
 * 1.0e9 to 3.6e9 with nothing changed (a pool thread's vCPU waking 1-3 ms
 * late, the request thread or the event loop descheduled for a few ms by
 * other load); the median of the samples is what the build does, and every
 * sample is kept under `native_samples` (in run order) so the spread shows.
 */
import { availableParallelism } from 'node:os'
import { World } from '../engine/world.ts'
import { restoreWorld, snapshotWorld } from '../engine/snapshot.ts'
import { SH } from '../engine/layout.ts'
import { jsBackend, type TickInput } from '../engine/tick.ts'
import { NativeBackend } from '../native/backend.ts'
import { loadNative } from '../native/addon.ts'
import { median } from './stats.ts'

export interface NativeKernelColumns {
  native_cups: number
  native_cups_1thread: number
  native_cups_stepped: number
  ts_kernel_cups: number
  threads: number
  /** native_cups / ts_cups (goal >= 25). */
  ratio: number
  /** native_cups / ts_kernel_cups: kernel against kernel. */
  kernel_ratio: number
  /** native_cups_1thread / ts_kernel_cups. */
  kernel_ratio_1thread: number
  /**
   * The same kernels per CPU-second (process CPU time, all threads): robust
   * on a loaded machine where wall-clock figures swing. Native: one thread.
   */
  native_cups_per_cpu_s: number
  ts_kernel_cups_per_cpu_s: number
  kernel_ratio_cpu: number
  /** native_cups / threads: the multi-thread run per core (wall clock). */
  native_cups_per_core: number
  /** native_cups / native_cups_1thread: the kernel's own scaling from one thread to `threads` (compare `machine_copy`, kernel-machine.ts). */
  native_scaling: number
  /** Cells the one-thread request actually computed (sleeping chunks excluded), per CPU-second. */
  native_computed_cups_per_cpu_s: number
  /** Computed / active cell updates in that request. */
  native_computed_fraction: number
  /** One request of longTicks ticks, one thread: active and computed cells per CPU-second (0 when longTicks is 0). */
  long_ticks: number
  native_long_cups_per_cpu_s: number
  native_long_computed_cups_per_cpu_s: number
  hashes_match_native: boolean
  /** Timed samples per configuration (the figures above are their medians). */
  native_reps: number
  /** Every sample behind the medians, in run order (per CPU-second: the one-thread request). */
  native_samples: { native_cups: number[]; native_cups_1thread: number[]; native_cups_stepped: number[]; native_cups_per_cpu_s: number[]; native_long_cups_per_cpu_s: number[] }
  native_unavailable?: string
}


function activeCells(w: World): number {
  return w.activeChunks().reduce((s, c) => {
    const h = w.chunks.slots[w.chunks.slotOf(c)!]!.hdr
    return s + h[SH.ROWS] * h[SH.COLS]
  }, 0)
}

/** Runs the native columns against a finished TS run (its ts_cups and hash). */
export async function runNativeKernel(o: { size: number; ticks: number; warmup: number; seed: number; longTicks?: number; reps?: number }, ts: { ts_cups: number; hash: string }): Promise<NativeKernelColumns> {
  const longTicks = o.longTicks ?? 0
  const reps = Math.max(1, o.reps ?? 7)
  const samples = { native_cups: [] as number[], native_cups_1thread: [] as number[], native_cups_stepped: [] as number[], native_cups_per_cpu_s: [] as number[], native_long_cups_per_cpu_s: [] as number[] }
  const n = loadNative()
  const threads = availableParallelism()
  if (!n.ok) {
    return {
      native_cups: 0, native_cups_1thread: 0, native_cups_stepped: 0, ts_kernel_cups: 0, threads, ratio: 0, kernel_ratio: 0, kernel_ratio_1thread: 0,
      native_cups_per_cpu_s: 0, ts_kernel_cups_per_cpu_s: 0, kernel_ratio_cpu: 0, native_cups_per_core: 0, native_scaling: 0,
      native_computed_cups_per_cpu_s: 0, native_computed_fraction: 0, long_ticks: longTicks, native_long_cups_per_cpu_s: 0, native_long_computed_cups_per_cpu_s: 0,
      hashes_match_native: false, native_reps: reps, native_samples: samples, native_unavailable: n.reason,
    }
  }
  const w0 = new World({ seed: o.seed, size: o.size, allActive: true })
  for (let t = 0; t < o.warmup; t++) w0.step([])
  const snap = snapshotWorld(w0)
  let match = true
  const cpuS = (u: NodeJS.CpuUsage): number => (u.user + u.system) / 1e6
  let tsCpu = 0
  // One native run from the snapshot: `ticks` in one request (batch) or one
  // request per tick; returns active cells × ticks per wall second, plus the
  // same per CPU-second and the computed cells per CPU-second.
  const run = async (th: number, batch: boolean, ticks = o.ticks, checkHash = true): Promise<{ wall: number; cpu: number; computedCpu: number; computed: number; active: number }> => {
    const nb = new NativeBackend('thread', { threads: th })
    try {
      const w = restoreWorld(snap, { backend: nb, allocate: nb.allocate })
      for (let t = 0; t < 3; t++) await w.stepAsync([]) // same 3 warm-up ticks as the TS run
      const cells = activeCells(w)
      let computed = 0
      const t0 = performance.now()
      const c0 = process.cpuUsage()
      if (batch) computed = (await nb.tickMany(w.tickInput(), ticks)).cellsUpdated
      else for (let t = 0; t < ticks; t++) computed += (await w.stepAsync([])).cellsUpdated
      const s = (performance.now() - t0) / 1000
      const c = cpuS(process.cpuUsage(c0))
      if (checkHash && w.hash() !== ts.hash) match = false
      return { wall: Math.round((cells * ticks) / s), cpu: (cells * ticks) / c, computedCpu: computed / c, computed, active: cells * ticks }
    } finally {
      await nb.close()
    }
  }
  // The TS kernel alone: time spent in the js backend's tick() only.
  const tsKernel = (): number => {
    const js = jsBackend()
    let ms = 0
    let cpu = 0
    const timed = { name: 'js', tick: (input: TickInput) => { const t0 = performance.now(), c0 = process.cpuUsage(); const r = js.tick(input); ms += performance.now() - t0; cpu += cpuS(process.cpuUsage(c0)); return r } }
    const w = restoreWorld(snap, { backend: timed })
    for (let t = 0; t < 3; t++) w.step([])
    const cells = activeCells(w)
    ms = 0
    cpu = 0
    for (let t = 0; t < o.ticks; t++) w.step([])
    tsCpu = (cells * o.ticks) / cpu
    if (w.hash() !== ts.hash) match = false
    return Math.round((cells * o.ticks) / (ms / 1000))
  }
  // Sample rounds: each configuration once per round, so a slow stretch of
  // the machine falls on all of them rather than on one.
  const computedCpus: number[] = [], longComputed: number[] = []
  let computedFraction = 0
  for (let r = 0; r < reps; r++) {
    samples.native_cups.push((await run(threads, true)).wall)
    const oneRun = await run(1, true)
    samples.native_cups_1thread.push(oneRun.wall)
    samples.native_cups_per_cpu_s.push(oneRun.cpu)
    computedCpus.push(oneRun.computedCpu)
    computedFraction = oneRun.active > 0 ? oneRun.computed / oneRun.active : 0 // the same every sample (deterministic)
    samples.native_cups_stepped.push((await run(threads, false)).wall)
    // The long request ends on another tick than the TS run: no hash to compare.
    if (longTicks > 0) {
      const long = await run(1, true, longTicks, false)
      samples.native_long_cups_per_cpu_s.push(long.cpu)
      longComputed.push(long.computedCpu)
    }
  }
  const batch = median(samples.native_cups), one = median(samples.native_cups_1thread), stepped = median(samples.native_cups_stepped)
  const nativeCpu = median(samples.native_cups_per_cpu_s), computedCpu = median(computedCpus)
  const tsk = tsKernel()
  const r2 = (x: number): number => Math.round(x * 100) / 100
  return {
    native_cups: batch, native_cups_1thread: one, native_cups_stepped: stepped, ts_kernel_cups: tsk, threads,
    ratio: r2(batch / ts.ts_cups), kernel_ratio: r2(batch / tsk), kernel_ratio_1thread: r2(one / tsk),
    native_cups_per_cpu_s: Math.round(nativeCpu), ts_kernel_cups_per_cpu_s: Math.round(tsCpu), kernel_ratio_cpu: r2(nativeCpu / tsCpu),
    native_cups_per_core: Math.round(batch / threads),
    native_scaling: r2(batch / one),
    native_computed_cups_per_cpu_s: Math.round(computedCpu), native_computed_fraction: Math.round(computedFraction * 1000) / 1000,
    long_ticks: longTicks,
    native_long_cups_per_cpu_s: Math.round(median(samples.native_long_cups_per_cpu_s)), native_long_computed_cups_per_cpu_s: Math.round(median(longComputed)),
    hashes_match_native: match,
    native_reps: reps,
    native_samples: {
      native_cups: samples.native_cups, native_cups_1thread: samples.native_cups_1thread, native_cups_stepped: samples.native_cups_stepped,
      native_cups_per_cpu_s: samples.native_cups_per_cpu_s.map(Math.round), native_long_cups_per_cpu_s: samples.native_long_cups_per_cpu_s.map(Math.round),
    },
  }
}
