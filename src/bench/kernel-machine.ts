/**
 * The machine's baseline for `hexd bench kernel`'s per-core figure (`machine_copy`):
 * how a plain memory-bound pass scales from one thread to all of them on this
 * machine, for working sets from cache-sized to memory-sized, measured in the
 * same run (the addon's `copyScaling`, src/native/cc/membench.h: each thread
 * memcpy's its contiguous share of the bytes `passes` times; best of `rounds`,
 * one thread and all threads interleaved).
 *
 * Why: on a 2-vCPU guest the kernel's two threads reached ~1.3-1.5x of one at
 * n=256 while pure arithmetic scaled 2.0x. The kernel's `native_scaling` next to
 * this says how much of the missing scaling the machine itself sets for a pass
 * over that many bytes (docs/NATIVE.md, eleventh pass).
 *
 * @example
 * machineCopyProfile(addon, 2)
 * // [{ bytes: 1048576, passes: 64, threads: 2, one_thread_gbps: 61.2, threads_gbps: 118.9, scaling: 1.94 }, ...]
 */
import type { NativeAddon } from '../native/addon.ts'

export interface MachineCopy {
  bytes: number
  passes: number
  threads: number
  /** GB/s copied (bytes read; as many written) by one thread, best round. */
  one_thread_gbps: number
  /** The same with `threads` threads sharing the bytes. */
  threads_gbps: number
  /** threads_gbps / one_thread_gbps (ideal: threads). */
  scaling: number
}

/** Working sets measured by default: per-core-cache sized to well past the last-level cache. */
export const COPY_SIZES = [1 << 20, 4 << 20, 16 << 20, 64 << 20]

/** The copy baseline for one size (`passes` chosen so each timing copies ~256 MB; default 5 rounds). */
export function machineCopyScaling(addon: NativeAddon, bytes: number, threads: number, rounds = 5): MachineCopy {
  const passes = Math.max(1, Math.round((256 << 20) / bytes))
  const t = addon.copyScaling(bytes, passes, threads, rounds)
  const gbps = (s: number) => Math.round(((bytes * passes) / s / 1e9) * 10) / 10
  return {
    bytes, passes, threads,
    one_thread_gbps: gbps(t.oneThreadS), threads_gbps: gbps(t.threadsS),
    scaling: Math.round((t.oneThreadS / t.threadsS) * 100) / 100,
  }
}

/** The baseline at each of `sizes`. */
export function machineCopyProfile(addon: NativeAddon, threads: number, sizes = COPY_SIZES): MachineCopy[] {
  return sizes.map((b) => machineCopyScaling(addon, b, threads))
}
