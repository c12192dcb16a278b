/** Registers `hexd bench net` (light: the benchmark itself is imported in the action). */
import type { Command } from 'commander'
import { choiceOption, intOption } from '../cli/options.ts'
import { printReport } from './print.ts'

export function netArea(bench: Command): void {
  bench.command('net')
    .description('K Phoenix WebSocket clients against hexd serve: action→reply p50/p99, diff bytes/client/tick, seq gaps, UPS; raw ws echo baseline; mailbox GET/s')
    .option('--clients <k>', 'WebSocket clients', intOption('clients', 1, 20_000), 1000)
    .option('--duration <s>', 'seconds of load per run', intOption('duration', 1, 3600), 10)
    .option('--ups <n>', "the daemon's updates per second", intOption('ups', 1, 60), 20)
    .option('--size <n>', 'world size n (small worlds keep join snapshots small)', intOption('size', 1, 2 ** 24), 16)
    .option('--mailbox-conns <n>', 'concurrent mailbox readers', intOption('mailbox-conns', 1, 1000), 16)
    .option('--store <mode>', "the daemon's persistence: auto (PGlite in a temp dir) | memory", choiceOption('store', ['auto', 'memory'] as const), 'auto')
    .option('--rounds <n>', 'run the whole benchmark n times (daemon, then echo, alternating) and read the goal on the medians (src/bench/net-rounds.ts)', intOption('rounds', 1, 100), 1)
    .option('--parts', 'instead: CPU cost of one tick\'s parts for --clients actions (engine step, PGlite journal commit, one socket write) and the p99 floor they set')
    .option('--json', 'print one JSON document')
    .action(async (o: { clients: number; duration: number; ups: number; size: number; mailboxConns: number; json?: boolean; store: 'auto' | 'memory'; parts?: boolean; rounds: number }) => {
      if (o.parts) {
        const { runNetParts } = await import('./net-parts.ts')
        return printReport(await runNetParts(o.clients), o.json)
      }
      const opts = { ...o, json: !!o.json }
      if (o.rounds > 1) {
        const { runNetRounds } = await import('./net-rounds.ts')
        return printReport(await runNetRounds(opts, o.rounds), o.json)
      }
      const { runNetBench } = await import('./net.ts')
      const rep = await runNetBench(opts)
      printReport(rep, o.json)
    })
}
