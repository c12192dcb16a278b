// The native benchmarks' bookkeeping (never their timings): the kernel
// bench's computed-cell counts and long request, and the process-vs-thread
// sim comparison of `hexd bench ipc` (src/bench/ipc-sim.ts).
import t from 'tap'
import { runKernelBench } from '../../src/bench/kernel.ts'
import { runNativeKernel } from '../../src/bench/kernel-native.ts'
import { median } from '../../src/bench/stats.ts'
import { runSimOverhead } from '../../src/bench/ipc-sim.ts'
import { runSettled } from '../../src/bench/kernel-settled.ts'
import { nativeOrSkip } from './helpers.ts'
import { machineCopyProfile } from '../../src/bench/kernel-machine.ts'
import { loadNative, type NativeAddon } from '../../src/native/addon.ts'

if (nativeOrSkip(t)) {
  t.test('bench kernel: computed cells never exceed active cells; the long request runs', async (t) => {
    const o = { size: 16, ticks: 4, warmup: 0, seed: 3 }
    const ts = runKernelBench(o)
    const r = await runNativeKernel({ ...o, longTicks: 30, reps: 3 }, ts)
    t.equal(r.hashes_match_native, true, 'every native run ends on the TS hash')
    t.ok(r.native_computed_fraction > 0 && r.native_computed_fraction <= 1, `computed fraction ${r.native_computed_fraction} in (0, 1]`)
    t.ok(r.native_computed_cups_per_cpu_s <= r.native_cups_per_cpu_s, 'computed <= active per CPU-second')
    t.equal(r.long_ticks, 30)
    t.ok(r.native_long_cups_per_cpu_s > 0 && r.native_long_computed_cups_per_cpu_s <= r.native_long_cups_per_cpu_s)
    t.equal(r.native_cups_per_core, Math.round(r.native_cups / r.threads))
    t.equal(r.native_scaling, Math.round((r.native_cups / r.native_cups_1thread) * 100) / 100, 'the kernel\'s own scaling')
    // The figures are the medians of the kept samples, one per rep.
    t.equal(r.native_reps, 3)
    for (const [k, v] of Object.entries(r.native_samples)) t.equal(v.length, 3, `${k}: 3 samples`)
    t.equal(r.native_cups, median(r.native_samples.native_cups))
    t.equal(r.native_cups_1thread, median(r.native_samples.native_cups_1thread))
    t.equal(r.native_cups_stepped, median(r.native_samples.native_cups_stepped))
    t.equal(r.native_cups_per_cpu_s, median(r.native_samples.native_cups_per_cpu_s))
    t.equal(r.native_long_cups_per_cpu_s, median(r.native_samples.native_long_cups_per_cpu_s))
  })

  t.test('bench kernel machine_copy: one and all threads copy the same bytes, both timed', async (t) => {
    const { addon } = loadNative() as { addon: NativeAddon }
    const [m] = machineCopyProfile(addon, 2, [1 << 20])
    t.equal(m.bytes, 1 << 20)
    t.equal(m.passes, 256, 'about 256 MB copied per timing')
    t.ok(m.one_thread_gbps > 0 && m.threads_gbps > 0, 'both copy rates measured')
    t.ok(Math.abs(m.scaling - m.threads_gbps / m.one_thread_gbps) < 0.1, `scaling ${m.scaling} = ${m.threads_gbps} / ${m.one_thread_gbps}`)
    t.throws(() => addon.copyScaling(100, 1, 1, 1), /copyScaling\(bytes 4096\.\.4e9/, 'a bad size is refused')
  })

  t.test('bench kernel median: the middle sample, the upper one of an even count', async (t) => {
    t.equal(median([5, 1, 3]), 3)
    t.equal(median([4, 1, 3, 2]), 3)
    t.equal(median([7]), 7)
  })

  t.test('bench kernel settled: both kernels on a world after K TS ticks, one hash', async (t) => {
    const r = await runSettled({ size: 16, ticks: 4, seed: 3, settleTicks: 12, reps: 3 })
    t.equal(r.hashes_match, true, 'the native runs end on the TS run\'s hash')
    t.equal(r.settle_ticks, 12)
    t.ok(r.ts_kernel_cups_per_cpu_s > 0 && r.native_cups_per_cpu_s > 0 && r.native_cups > 0)
    t.ok(r.native_computed_fraction > 0 && r.native_computed_fraction <= 1, `computed fraction ${r.native_computed_fraction} in (0, 1]`)
    // Both figures are rounded from the same unrounded rate: equal up to that rounding.
    t.ok(Math.abs(r.native_cups_per_core - r.native_cups / r.threads) <= 1, `per core ${r.native_cups_per_core} = ${r.native_cups} / ${r.threads}`)
  })

  t.test('bench ipc sim_overhead: paired runs of both modes, one hash', async (t) => {
    const r = await runSimOverhead({ size: 8, ticks: 120, reps: 2, seed: 5, rounds: 2 })
    t.equal(r.process_ms.length, 2)
    t.equal(r.thread_ms.length, 2)
    t.equal(r.process_cpu_ms.length, 2)
    t.ok(r.process_cpu_ms.every((x) => x > 0) && r.thread_cpu_ms.every((x) => x > 0), 'CPU time measured for every run')
    t.equal(r.interleaved.ticks, 120)
    t.ok(Number.isFinite(r.overhead_pct) && Number.isFinite(r.interleaved.overhead_pct) && Number.isFinite(r.cpu_overhead_pct))
    t.equal(r.interleaved.rounds.length, 2)
    t.ok(r.interleaved.rounds.every((x) => x.overhead_pct_blocks_min <= x.overhead_pct_blocks_max))
    t.ok(r.interleaved.overhead_pct_min <= r.interleaved.overhead_pct && r.interleaved.overhead_pct <= r.interleaved.overhead_pct_max)
    t.equal(r.hashes_match, true, 'process, thread and interleaved runs print one hash')
    t.match(r.hash, /^[0-9a-f]{16}$/)
  })
}
