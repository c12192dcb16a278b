/** Registers `hexd bench geometry` (the benchmark itself is imported in the action). */
import type { Command } from 'commander'
import { intOption } from '../cli/options.ts'
import { printReport } from './print.ts'

export function geometryArea(bench: Command): void {
  bench.command('geometry')
    .description('neighbours/s vs an adjacency table, halo sources/s vs a naive halo, xyzToCell/s vs cellToXYZ/s')
    .option('--size <n>', 'world size n', intOption('size', 1, 2 ** 24), 256)
    .option('--seconds <s>', 'seconds per measurement', intOption('seconds', 1, 60), 1)
    .option('--json', 'print one JSON document')
    .action(async (o: { size: number; seconds: number; json?: boolean }) => {
      const { runGeometryBench } = await import('./geometry.ts')
      const r = runGeometryBench(o)
      printReport(r, o.json)
    })
}
