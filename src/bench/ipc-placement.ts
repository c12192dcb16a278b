/**
 * Placement-matched rows of `hexd bench ipc`: the raw futex floor, hexd's futex round trip
 * (no spin) and Node's child_process IPC, each measured with both sides pinned to one CPU
 * (`-same-cpu`) and to two (`-split-cpu`); and hexd's futex round trip with spin on two CPUs
 * (`hexd-futex-spin-split-cpu`).
 *
 * Why: unpinned, the scheduler puts the raw pair on one CPU in some runs and on two in others.
 * On one CPU a wake-up is a context switch (5–7 µs round trip on the 2-vCPU KVM guests hexd was
 * measured on); across CPUs it wakes an idle vCPU (40–70 µs). hexd's daemon and worker are
 * placed by the same scheduler, but not always the same way as the raw pair in the same run,
 * so the unpinned ratio can compare a one-CPU floor with a two-CPU hexd (session 6 measured
 * 7.2 µs against 48.5 µs that way). Pinning both the same way compares like with like.
 *
 * hexd's side: the daemon's thread that makes the requests (this one) and every thread of the
 * worker process are pinned; the original affinity of this thread is restored afterwards.
 * `child_process-same-cpu` / `-split-cpu` pin Node's IPC the same way (this thread, every thread
 * of the child): unpinned, one run of session 10 measured it at 13.7 µs (both on one CPU) and
 * the next at 68.5 µs, so the "20x better than child_process" goal read 7.7x or 20.8x by luck.
 *
 * @example
 * const p = await placementRows(5000)   // null when the native addon is missing
 * p?.ratios.hexd_futex_over_raw_futex_p50_split_cpu  // e.g. 1.1
 */
import { readdirSync } from 'node:fs'
import { loadNative, type NativeAddon } from '../native/addon.ts'
import { rawRow, row, timeLoop, withEchoChild, withPingWorker, type IpcRow } from './ipc-timing.ts'

export interface PlacementResult {
  rows: IpcRow[]
  ratios: Record<string, number>
  /** The two CPUs used ([A, A] for same-cpu, [A, B] for split-cpu). */
  cpus: number[]
  /** Why a placement was skipped (fewer than two CPUs allowed, a refused pin). */
  skipped: string[]
}

/** Pins every thread of process `pid` to `cpu`; false if any pin was refused. */
function pinProcess(addon: NativeAddon, pid: number, cpu: number): boolean {
  let ok = true
  for (const tid of readdirSync(`/proc/${pid}/task`)) ok = addon.setCpuAffinity(Number(tid), [cpu]) && ok
  return ok
}

async function hexdPinned(addon: NativeAddon, iters: number, here: number, there: number, spinNs: number): Promise<number[] | null> {
  const before = addon.cpuAffinity(0)
  try {
    return await withPingWorker({ sync: 'futex', spinNs }, async (ping, pid) => {
      // One answered request first: the worker has attached and made its threads, so pinning
      // them all now leaves none behind (threads made later inherit their maker's affinity).
      await ping()
      if (!addon.setCpuAffinity(0, [here]) || !pinProcess(addon, pid, there)) return null
      return await timeLoop(iters, ping)
    })
  } finally {
    addon.setCpuAffinity(0, before)
  }
}

async function childPinned(addon: NativeAddon, iters: number, here: number, there: number): Promise<number[] | null> {
  const before = addon.cpuAffinity(0)
  try {
    return await withEchoChild(async (ping, pid) => {
      await ping() // the child is up, with all of its threads
      if (!addon.setCpuAffinity(0, [here]) || !pinProcess(addon, pid, there)) return null
      return await timeLoop(iters, ping)
    })
  } finally {
    addon.setCpuAffinity(0, before)
  }
}

/**
 * Measures both placements, and hexd with spin (`spinNs`, 0 = skip that row) split across two
 * CPUs, where spinning can pay (on one CPU the spinner only delays its peer); null when the
 * native addon is not built.
 */
export async function placementRows(iters: number, spinNs = 0): Promise<PlacementResult | null> {
  const n = loadNative()
  if (!n.ok) return null
  const allowed = n.addon.cpuAffinity(0)
  const res: PlacementResult = { rows: [], ratios: {}, cpus: allowed.slice(0, 2), skipped: [] }
  if (allowed.length === 0) { res.skipped.push('this thread\'s CPU affinity could not be read'); return res }
  const [a, b] = allowed
  const placements: Array<[string, number, number]> = [['same-cpu', a, a]]
  if (b !== undefined) placements.push(['split-cpu', a, b])
  else res.skipped.push('split-cpu: only one CPU is allowed')
  for (const [name, here, there] of placements) {
    const raw = rawRow('futex', iters, [here, there])
    const us = await hexdPinned(n.addon, iters, here, there, 0)
    if (!us) { res.skipped.push(`${name}: the kernel refused to pin a thread`); continue }
    const hexd = row(`hexd-futex-${name}`, us)
    res.rows.push({ ...raw, name: `raw-futex-${name}` }, hexd)
    res.ratios[`hexd_futex_over_raw_futex_p50_${name.replace('-', '_')}`] = +(hexd.p50_us / raw.p50_us).toFixed(3)
    if (spinNs > 0 && here !== there) {
      const spun = await hexdPinned(n.addon, iters, here, there, spinNs)
      if (spun) res.rows.push(row(`hexd-futex-spin-${name}`, spun))
    }
    const child = await childPinned(n.addon, iters, here, there)
    if (child) res.rows.push(row(`child_process-${name}`, child))
    else res.skipped.push(`child_process-${name}: the kernel refused to pin a thread`)
  }
  return res
}
