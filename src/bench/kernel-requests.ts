/**
 * Per-request cost of the native worker, as the worker itself spends it: CPU
 * time of every thread of the `hexd-worker` process (from
 * /proc/<pid>/task/<tid>/schedstat) around each request, in `--compute
 * process` with one kernel thread. Two request shapes on one living world
 * (seed 1, every chunk active):
 * - `step`: one tick per request through `World.stepAsync` (the daemon's path);
 * - `many`: `tickMany` requests of `many` ticks, per tick.
 * Medians over the requests, plus wall time. `root` chooses the checkout whose
 * engine and native build are loaded, so a before/after pair runs the same
 * code on two builds (e.g. a `git worktree` of the previous commit).
 *
 * Run: `node --import tsx src/bench/kernel-requests.ts [--root DIR] [--size 256] [--steps 60] [--many 20] [--reps 5]`
 * prints one JSON line.
 *
 * @example await measureRequests({ root: '/work/main', size: 256 })
 * // { size: 256, tick: 170, hash: 'fac5881a', step_worker_cpu_ms: 1.3, step_wall_ms: 1.7, many_worker_cpu_ms_per_tick: 0.24, ... }
 */
import { readdirSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { resolve } from 'node:path'
import { median } from './stats.ts'

export interface RequestCosts {
  size: number
  /** Tick and hash at the end: equal across builds (same seed and request sequence). */
  tick: number
  hash: string
  step_worker_cpu_ms: number
  step_wall_ms: number
  many_worker_cpu_ms_per_tick: number
  many_wall_ms_per_tick: number
  many: number
}

/** CPU ns of every thread of process `pid`. */
function processCpuNs(pid: number): number {
  let s = 0
  for (const t of readdirSync(`/proc/${pid}/task`)) {
    try { s += Number(readFileSync(`/proc/${pid}/task/${t}/schedstat`, 'utf8').split(' ')[0]) } catch { /* thread ended */ }
  }
  return s
}

const r3 = (x: number): number => Math.round(x * 1000) / 1000

/**
 * Measures both request shapes (defaults: root = this checkout, size 256,
 * 60 single-tick requests after 5 warm-up steps, then 5 requests of 20 ticks).
 */
export async function measureRequests(o: { root?: string; size?: number; steps?: number; many?: number; reps?: number } = {}): Promise<RequestCosts> {
  const root = o.root ?? resolve(fileURLToPath(import.meta.url), '../../..')
  const size = o.size ?? 256, steps = o.steps ?? 60, many = o.many ?? 20, reps = o.reps ?? 5
  const { createWorld } = await import(resolve(root, 'src/engine/index.ts'))
  const { NativeBackend } = await import(resolve(root, 'src/native/backend.ts'))
  const nb = new NativeBackend('process', { threads: 1 })
  try {
    const w = createWorld({ seed: 1, size, allActive: true, backend: nb, allocate: nb.allocate })
    for (let t = 0; t < 5; t++) await w.stepAsync([])
    const pid: number = nb.supervisor.pid
    const stepCpu: number[] = [], stepWall: number[] = [], manyCpu: number[] = [], manyWall: number[] = []
    for (let t = 0; t < steps; t++) {
      const c0 = processCpuNs(pid), t0 = performance.now()
      await w.stepAsync([])
      stepWall.push(performance.now() - t0)
      stepCpu.push((processCpuNs(pid) - c0) / 1e6)
    }
    for (let r = 0; r < reps; r++) {
      await w.stepAsync([])
      const c0 = processCpuNs(pid), t0 = performance.now()
      await nb.tickMany(w.tickInput(), many)
      manyWall.push((performance.now() - t0) / many)
      manyCpu.push((processCpuNs(pid) - c0) / 1e6 / many)
    }
    return {
      size, tick: w.tick, hash: w.hash(), many,
      step_worker_cpu_ms: r3(median(stepCpu)), step_wall_ms: r3(median(stepWall)),
      many_worker_cpu_ms_per_tick: r3(median(manyCpu)), many_wall_ms_per_tick: r3(median(manyWall)),
    }
  } finally {
    await nb.close()
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const arg = (name: string): string | undefined => { const k = process.argv.indexOf(`--${name}`); return k > 0 ? process.argv[k + 1] : undefined }
  const num = (name: string): number | undefined => (arg(name) === undefined ? undefined : Number(arg(name)))
  console.log(JSON.stringify(await measureRequests({ root: arg('root'), size: num('size'), steps: num('steps'), many: num('many'), reps: num('reps') })))
}
