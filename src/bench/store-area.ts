/** Registers `hexd bench store` (the benchmark itself is imported in the action). */
import type { Command } from 'commander'
import { intOption } from '../cli/options.ts'
import { printReport } from './print.ts'
import { HexdError } from '../errors.ts'

export function storeArea(bench: Command): void {
  bench.command('store')
    .description('persistence: cache reads p50/p99, flush rows/s batched (and COPY) vs row by row, tick p99 with the store on vs off, 1M-cell restart with 10k events, the chunk memory budget vs none; PGlite and Postgres')
    .option('--rows <n>', 'rows per flush measurement', intOption('rows', 10, 1_000_000), 4000)
    .option('--ticks <n>', 'ticks for the tick-overhead measurement', intOption('ticks', 10, 100_000), 300)
    .option('--events <n>', 'journaled actions to replay at restart', intOption('events', 0, 1_000_000), 10_000)
    .option('--restart-size <n>', 'world size for the restart measurement (316 = 1M cells)', intOption('restart-size', 1, 4096), 316)
    .option('--rounds <n>', 'rounds of each flush way (the median is reported)', intOption('rounds', 1, 100), 3)
    .option('--only <parts>', 'run only these parts, comma-separated: cache,flush,tick,restart,budget')
    .option('--database-url <url>', 'also measure Postgres (fresh databases are created and dropped) [DATABASE_URL, HEXD_PG_URL]')
    .option('--json', 'print one JSON document')
    .action(async (o: { rows: number; ticks: number; events: number; restartSize: number; rounds: number; only?: string; databaseUrl?: string; json?: boolean }) => {
      const { runStoreBench, STORE_BENCH_PARTS } = await import('./store.ts')
      const databaseUrl = o.databaseUrl ?? (process.env.DATABASE_URL || process.env.HEXD_PG_URL || undefined)
      const only = o.only?.split(',').map((x) => x.trim()).filter(Boolean)
      const unknown = only?.filter((x) => !(STORE_BENCH_PARTS as readonly string[]).includes(x))
      if (unknown?.length) throw new HexdError('HEXD_BAD_OPTION', `--only: unknown part ${unknown.join(', ')} (parts: ${STORE_BENCH_PARTS.join(', ')})`, { field: 'only' })
      const r = await runStoreBench({ ...o, only, databaseUrl })
      printReport(r, o.json)
    })
}
