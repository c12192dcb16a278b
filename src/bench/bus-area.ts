/** Registers `hexd bench bus` (light: the benchmark itself is imported in the action). */
import type { Command } from 'commander'
import { intOption } from '../cli/options.ts'
import { printReport } from './print.ts'

export function busArea(bench: Command): void {
  bench.command('bus')
    .description('messaging vs raw zeromq.js (req/rep round trips/s, pub/sub msgs/s) and event log append/consume embedded vs NATS JetStream')
    .option('--n <n>', 'round trips per req/rep run (pub/sub and the embedded log use 5x)', intOption('n', 100, 10_000_000), 20000)
    .option('--window <n>', 'requests in flight in the pipelined run', intOption('window', 1, 100_000), 100)
    .option('--runs <n>', 'alternating baseline/hexd runs per figure (the median is reported)', intOption('runs', 1, 99), 3)
    .option('--nats <url>', 'NATS server for the JetStream figures ("" skips them)', 'nats://127.0.0.1:4222')
    .option('--json', 'print one JSON document')
    .action(async (o: { n: number; window: number; runs: number; nats: string; json?: boolean }) => {
      const { runBusBench } = await import('./bus.ts')
      const r = await runBusBench({ n: o.n, window: o.window, runs: o.runs, nats: o.nats || null, log: (m) => process.stderr.write(`bench bus: ${m}\n`) })
      printReport(r, o.json)
      // zeromq's proxy threads and NATS timers must not keep the process alive.
      process.exit(0)
    })
}
