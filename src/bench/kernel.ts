/**
 * `hexd bench kernel`: the TS reference tick's cell-updates per second on a
 * whole world (every chunk active). The same world (restored from one
 * snapshot) is ticked twice: with chunk sleeping (the engine's normal mode:
 * ts_cups counts cells of every active chunk per second, slept or not) and
 * without (baseline: every chunk computed). Both must end on the same hash.
 * The native engineer adds native_cups and its ratio to ts_cups here.
 */
import { World } from '../engine/world.ts'
import { jsBackend } from '../engine/tick.ts'
import { restoreWorld, snapshotWorld } from '../engine/snapshot.ts'
import { SH } from '../engine/layout.ts'

export interface KernelBench {
  size: number
  ticks: number
  warmup: number
  cells: number
  /** Cell updates per second of the TS reference (sleeping on): active cells × ticks / s. */
  ts_cups: number
  /** Baseline: the same ticks with sleeping off (every cell computed). */
  ts_cups_nosleep: number
  /** ts_cups / ts_cups_nosleep. */
  sleep_ratio: number
  /** Fraction of cell updates actually computed with sleeping on. */
  computed_fraction: number
  hash: string
  hashes_match: boolean
}

function measure(w: World, ticks: number): { seconds: number; computed: number; active: number; hash: string } {
  const active = w.activeChunks().reduce((s, c) => {
    const h = w.chunks.slots[w.chunks.slotOf(c)!]!.hdr
    return s + h[SH.ROWS] * h[SH.COLS]
  }, 0)
  let computed = 0
  const t0 = performance.now()
  for (let t = 0; t < ticks; t++) computed += w.step([]).cellsUpdated
  return { seconds: (performance.now() - t0) / 1000, computed, active: active * ticks, hash: w.hash() }
}

/** Runs the benchmark (see file header). */
export function runKernelBench(o: { size: number; ticks: number; warmup: number; seed: number }): KernelBench {
  const w0 = new World({ seed: o.seed, size: o.size, allActive: true })
  for (let t = 0; t < o.warmup; t++) w0.step([])
  const snap = snapshotWorld(w0)
  const a = restoreWorld(snap, { backend: jsBackend({ sleep: true }) })
  const b = restoreWorld(snap, { backend: jsBackend({ sleep: false }) })
  // JIT warm-up on both (same ticks, so the measured states stay identical).
  for (let t = 0; t < 3; t++) { a.step([]); b.step([]) }
  const rb = measure(b, o.ticks)
  const ra = measure(a, o.ticks)
  const tsCups = Math.round(ra.active / ra.seconds)
  const base = Math.round(rb.active / rb.seconds)
  return {
    size: o.size, ticks: o.ticks, warmup: o.warmup, cells: 10 * o.size * o.size + 2,
    ts_cups: tsCups, ts_cups_nosleep: base, sleep_ratio: Math.round((tsCups / base) * 100) / 100,
    computed_fraction: Math.round((ra.computed / ra.active) * 1000) / 1000,
    hash: ra.hash, hashes_match: ra.hash === rb.hash,
  }
}
