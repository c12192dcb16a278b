/**
 * Benchmark areas. Each entry adds `hexd bench <area>` as a subcommand whose
 * action imports src/bench/<area>.ts lazily. Every area prints one JSON
 * document with `--json`, and measures its baseline in the same run.
 */
import type { Command } from 'commander'
import { ipcArea } from './ipc-area.ts'
import { netArea } from './net-area.ts'
import { geometryArea } from './geometry-area.ts'
import { busArea } from './bus-area.ts'
import { tuiArea } from './tui-area.ts'
import { kernelArea } from './kernel-area.ts'
import { storeArea } from './store-area.ts'

export const BENCH_AREAS: Array<(bench: Command) => void> = [
  ipcArea,
  netArea,
  geometryArea,
  busArea,
  tuiArea,
  kernelArea,
  storeArea,
]
