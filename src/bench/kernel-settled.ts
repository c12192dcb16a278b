/**
 * The `settled` block of `hexd bench kernel` (an extra figure; the bench's
 * other fields are unchanged): the same measurement on a world that has
 * already run `settleTicks` ticks (the TS reference, every chunk active), as
 * a long-running daemon's world is, instead of the fresh world right after
 * generation that the main figures use (the busiest ticks a world ever has:
 * everything is born and grows at once). Both kernels tick the same `ticks`
 * ticks from one snapshot of that world, after the same 3 warm-up steps:
 *   ts_kernel_cups_per_cpu_s      the TS backend's tick() only, per CPU-second
 *   native_cups_per_cpu_s         one `ticks`-tick request, one kernel thread
 *                                 (process CPU time), active cells as ts counts them
 *   native_computed_cups_per_cpu_s  the cells the kernel computed (sleeping chunks excluded)
 *   native_cups / native_cups_per_core  the same request with one kernel
 *                                 thread per core, wall clock (per core: / threads)
 *   kernel_ratio_cpu              native / TS, per CPU-second
 * and every run must end on the TS run's hash (hashes_match). Each native
 * figure is the median of `reps` (default 5) requests, each from the snapshot:
 * a settled world's request takes ~3 ms, and process CPU time over so short a
 * window swings with V8's background GC threads (measured: the same build
 * gave 1.2e9 and 5e9 cells per CPU-second in single requests).
 */
import { availableParallelism } from 'node:os'
import { World } from '../engine/world.ts'
import { restoreWorld, snapshotWorld } from '../engine/snapshot.ts'
import { SH } from '../engine/layout.ts'
import { jsBackend, type TickInput } from '../engine/tick.ts'
import { NativeBackend } from '../native/backend.ts'

export interface SettledColumns {
  settle_ticks: number
  ticks: number
  threads: number
  ts_kernel_cups_per_cpu_s: number
  native_cups_per_cpu_s: number
  native_computed_cups_per_cpu_s: number
  native_computed_fraction: number
  native_cups: number
  native_cups_per_core: number
  kernel_ratio_cpu: number
  hashes_match: boolean
}

const cpuS = (u: NodeJS.CpuUsage): number => (u.user + u.system) / 1e6

function activeCells(w: World): number {
  return w.activeChunks().reduce((s, c) => {
    const h = w.chunks.slots[w.chunks.slotOf(c)!]!.hdr
    return s + h[SH.ROWS] * h[SH.COLS]
  }, 0)
}

/** Runs the settled-world figure (see file header); needs the native addon. */
export async function runSettled(o: { size: number; ticks: number; seed: number; settleTicks: number; reps?: number }): Promise<SettledColumns> {
  const w0 = new World({ seed: o.seed, size: o.size, allActive: true })
  for (let t = 0; t < o.settleTicks; t++) w0.step([])
  const snap = snapshotWorld(w0)
  // The TS kernel: time in the js backend's tick() only.
  const js = jsBackend()
  let tsCpu = 0
  const timed = { name: 'js', tick: (input: TickInput) => { const c0 = process.cpuUsage(); const r = js.tick(input); tsCpu += cpuS(process.cpuUsage(c0)); return r } }
  const tw = restoreWorld(snap, { backend: timed })
  for (let t = 0; t < 3; t++) tw.step([])
  const cells = activeCells(tw)
  tsCpu = 0
  for (let t = 0; t < o.ticks; t++) tw.step([])
  const hash = tw.hash()
  let match = true
  const native = async (threads: number): Promise<{ wall: number; cpu: number; computed: number }> => {
    const nb = new NativeBackend('thread', { threads })
    try {
      const w = restoreWorld(snap, { backend: nb, allocate: nb.allocate })
      for (let t = 0; t < 3; t++) await w.stepAsync([])
      const t0 = performance.now(), c0 = process.cpuUsage()
      const computed = (await nb.tickMany(w.tickInput(), o.ticks)).cellsUpdated
      const s = (performance.now() - t0) / 1000, c = cpuS(process.cpuUsage(c0))
      if (w.hash() !== hash) match = false
      return { wall: (cells * o.ticks) / s, cpu: (cells * o.ticks) / c, computed: computed / c }
    } finally {
      await nb.close()
    }
  }
  const median = async (threads: number): Promise<{ wall: number; cpu: number; computed: number }> => {
    const runs: Array<{ wall: number; cpu: number; computed: number }> = []
    for (let r = 0; r < (o.reps ?? 5); r++) runs.push(await native(threads))
    const mid = (f: (x: { wall: number; cpu: number; computed: number }) => number): number => { const a = runs.map(f).sort((x, y) => x - y); return a[a.length >> 1] }
    return { wall: mid((x) => x.wall), cpu: mid((x) => x.cpu), computed: mid((x) => x.computed) }
  }
  const threads = availableParallelism()
  const one = await median(1)
  const all = await median(threads)
  const tsRate = (cells * o.ticks) / tsCpu
  return {
    settle_ticks: o.settleTicks, ticks: o.ticks, threads,
    ts_kernel_cups_per_cpu_s: Math.round(tsRate),
    native_cups_per_cpu_s: Math.round(one.cpu),
    native_computed_cups_per_cpu_s: Math.round(one.computed),
    native_computed_fraction: Math.round((one.computed / one.cpu) * 1000) / 1000,
    native_cups: Math.round(all.wall),
    native_cups_per_core: Math.round(all.wall / threads),
    kernel_ratio_cpu: Math.round((one.cpu / tsRate) * 100) / 100,
    hashes_match: match,
  }
}
