/** Registers `hexd bench kernel` (the benchmark itself is imported in the action). */
import type { Command } from 'commander'
import { intOption } from '../cli/options.ts'
import { printReport } from './print.ts'

export function kernelArea(bench: Command): void {
  bench.command('kernel')
    .description('TS reference vs native kernel: cell-updates/s on a whole world of size n (default 256) and a larger one, with and without chunk sleeping')
    .option('--size <n>', 'world size n', intOption('size', 1, 1024), 256)
    .option('--ticks <n>', 'ticks per measurement', intOption('ticks', 1, 100000), 20)
    .option('--warmup <n>', 'ticks run before measuring (lets the world settle)', intOption('warmup', 0, 100000), 0)
    .option('--seed <n>', 'world seed', intOption('seed', 0, Number.MAX_SAFE_INTEGER), 1)
    .option('--larger-size <n>', 'also measure this larger world (0 = skip)', intOption('larger-size', 0, 2048), 512)
    .option('--long-ticks <n>', 'also time one native request of this many ticks, one thread, on the first size (0 = skip)', intOption('long-ticks', 0, 100000), 200)
    .option('--settle-ticks <n>', 'also measure both kernels on the first size after this many TS ticks (a settled world, under "settled"; 0 = skip)', intOption('settle-ticks', 0, 100000), 200)
    .option('--reps <n>', 'timed samples per native configuration, each from the same snapshot; the native figures are their medians', intOption('reps', 1, 1000), 7)
    .option('--json', 'print one JSON document')
    .action(async (o: { size: number; ticks: number; warmup: number; seed: number; largerSize: number; longTicks: number; settleTicks: number; reps: number; json?: boolean }) => {
      const { runKernelBench } = await import('./kernel.ts')
      const { runNativeKernel } = await import('./kernel-native.ts')
      // The TS reference, then the native kernel on the same world and ticks
      // (native_cups, threads, ratio); then the same for a larger world.
      const one = async (size: number, longTicks: number): Promise<object> => {
        const r = runKernelBench({ ...o, size })
        return { ...r, ...await runNativeKernel({ ...o, size, longTicks }, r) }
      }
      const r = await one(o.size, o.longTicks)
      const withLarger = o.largerSize > 0 ? { ...r, larger: await one(o.largerSize, 0) } : r
      // The settled world: an extra block, the fields above are unchanged (src/bench/kernel-settled.ts).
      const { loadNative } = await import('../native/addon.ts')
      const { runSettled } = await import('./kernel-settled.ts')
      const n = loadNative()
      const out = o.settleTicks > 0 && n.ok ? { ...withLarger, settled: await runSettled({ size: o.size, ticks: o.ticks, seed: o.seed, settleTicks: o.settleTicks }) } : withLarger
      // The machine's own scaling for memory-bound passes, to read native_scaling against (kernel-machine.ts).
      const { machineCopyProfile } = await import('./kernel-machine.ts')
      const { availableParallelism } = await import('node:os')
      const threads = availableParallelism()
      printReport(n.ok && threads > 1 ? { ...out, machine_copy: machineCopyProfile(n.addon, threads) } : out, o.json)
    })
}
