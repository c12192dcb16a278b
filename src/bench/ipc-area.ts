/** Registers `hexd bench ipc` (light: the benchmark itself is imported in the action). */
import type { Command } from 'commander'
import { intOption } from '../cli/options.ts'

export function ipcArea(bench: Command): void {
  bench.command('ipc')
    .description('round-trip latency p50/p99: raw futex/eventfd/signal, hexd per sync mode (spin off/on), child_process, worker_threads, zeromq; hexd sim --compute process vs thread overhead')
    .option('--iters <n>', 'round trips per row', intOption('iters', 100, 10_000_000), 5000)
    .option('--spin-ns <ns>', 'spin budget for the -spin rows', intOption('spin-ns', 1, 100_000_000), 50_000)
    .option('--sim-size <n>', 'world size of the hexd sim process-vs-thread comparison', intOption('sim-size', 1, 1024), 100)
    .option('--sim-ticks <n>', 'ticks per hexd sim run in that comparison', intOption('sim-ticks', 1, 1_000_000), 1000)
    .option('--sim-reps <n>', 'measured runs per mode, ABBA-interleaved (0 = skip the comparison)', intOption('sim-reps', 0, 1000), 11)
    .option('--sim-rounds <n>', 'rounds of the tick-interleaved comparison (fresh world pairs; the figure is their median)', intOption('sim-rounds', 1, 1000), 9)
    .option('--json', 'print one JSON document')
    .action(async (o: { iters: number; spinNs: number; simSize: number; simTicks: number; simReps: number; simRounds: number; json?: boolean }) => {
      const { runIpcBench, formatIpc } = await import('./ipc.ts')
      const rep = await runIpcBench({ iters: o.iters, spinNs: o.spinNs, sim: { size: o.simSize, ticks: o.simTicks, reps: o.simReps, rounds: o.simRounds } })
      process.stdout.write((o.json ? JSON.stringify(rep) : formatIpc(rep)) + '\n')
    })
}
