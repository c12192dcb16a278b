/** Registers `hexd bench store` (the benchmark itself is imported in the action). */
import type { Command } from 'commander'
import { intOption } from '../cli/options.ts'
import { printReport } from './print.ts'

export function storeArea(bench: Command): void {
  bench.command('store')
    .description('persistence: cache reads p50/p99, flush rows/s batched (and COPY) vs row by row, tick p99 with the store on vs off, 1M-cell restart with 10k events, the chunk memory budget vs none; PGlite and Postgres')
    .option('--rows <n>', 'rows per flush measurement', intOption('rows', 10, 1_000_000), 4000)
    .option('--ticks <n>', 'ticks for the tick-overhead measurement', intOption('ticks', 10, 100_000), 300)
    .option('--events <n>', 'journaled actions to replay at restart', intOption('events', 0, 1_000_000), 10_000)
    .option('--restart-size <n>', 'world size for the restart measurement (316 = 1M cells)', intOption('restart-size', 1, 4096), 316)
    .option('--database-url <url>', 'also measure Postgres (fresh databases are created and dropped) [DATABASE_URL, HEXD_PG_URL]')
    .option('--json', 'print one JSON document')
    .action(async (o: { rows: number; ticks: number; events: number; restartSize: number; databaseUrl?: string; json?: boolean }) => {
      const { runStoreBench } = await import('./store.ts')
      const databaseUrl = o.databaseUrl ?? (process.env.DATABASE_URL || process.env.HEXD_PG_URL || undefined)
      const r = await runStoreBench({ ...o, databaseUrl })
      printReport(r, o.json)
    })
}
