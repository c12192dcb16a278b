/** Registers `hexd bench tui` (the benchmark itself is imported in the action). */
import type { Command } from 'commander'
import { intOption } from '../cli/options.ts'
import { printReport } from './print.ts'

export function tuiArea(bench: Command): void {
  bench.command('tui')
    .description('TUI cost under a stream of updates: frames, terminal bytes/s, render ms, CPU — shipped vs. uncapped full-redraw baseline')
    .option('--ups <n>', 'world updates per second', intOption('ups', 1, 240), 60)
    .option('--seconds <s>', 'seconds per variant', intOption('seconds', 1, 60), 3)
    .option('--cells <k>', 'cells changed per update', intOption('cells', 1, 10000), 20)
    .option('--cols <n>', 'terminal columns', intOption('cols', 40, 400), 80)
    .option('--rows <n>', 'terminal rows', intOption('rows', 10, 200), 24)
    .option('--fps <n>', 'the TUI frame-rate cap', intOption('fps', 1, 120), 30)
    .option('--size <n>', 'world size n', intOption('size', 8, 2 ** 24), 64)
    .option('--json', 'print one JSON document')
    .action(async (o: { ups: number; seconds: number; cells: number; cols: number; rows: number; fps: number; size: number; json?: boolean }) => {
      process.env.NODE_ENV ??= 'production' // as `hexd tui` runs (React's production build)
      const { runTuiBench } = await import('./tui.ts')
      const r = await runTuiBench(o)
      printReport(r, o.json)
    })
}
