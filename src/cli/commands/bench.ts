/**
 * `hexd bench <area>`: benchmarks that print JSON and measure their own
 * baseline in the same run. Each area registers itself in src/bench/index.ts;
 * its implementation is imported only when the area runs.
 */
import type { Command } from 'commander'
import { BENCH_AREAS } from '../../bench/index.ts'

export function register(program: Command): void {
  const bench = program.command('bench').description('run a benchmark area and print its figures (with a same-run baseline)')
  for (const area of BENCH_AREAS) area(bench)
}
