/**
 * `hexd sim --seed S --size N --ticks T [--scenario NAME] [--compute js] [--json]`:
 * runs a world offline and prints its hash, speed and production. A progress
 * bar goes to stderr on a TTY only.
 */
import type { Command } from 'commander'
import { intOption, choiceOption } from '../options.ts'

export function register(program: Command): void {
  program
    .command('sim')
    .description('simulate a world offline and print its state hash, cell-updates/s and production')
    .option('--seed <n>', 'world seed (non-negative integer)', intOption('seed', 0, Number.MAX_SAFE_INTEGER), 1)
    .option('--size <n>', 'world frequency n (10n²+2 cells)', intOption('size', 1, 2 ** 24), 64)
    .option('--ticks <n>', 'ticks to run', intOption('ticks', 0, 100_000_000), 100)
    .option('--scenario <name>', 'scripted start (factory)')
    .option('--compute <mode>', 'compute backend: process (native worker over shared memory), thread (native kernel on a daemon thread), js (the TS reference; also the fallback when the native build is missing)', choiceOption('compute', ['process', 'thread', 'js'] as const), 'process')
    .option('--sync <mode>', 'daemon/worker wake-up: auto (futex, else eventfd, else signals), futex, eventfd, signal', choiceOption('sync', ['auto', 'futex', 'eventfd', 'signal'] as const), 'auto')
    .option('--spin-ns <ns>', 'bounded spin before sleeping, in ns (0 = off)', intOption('spin-ns', 0, 100_000_000), 0)
    .option('--threads <n>', 'native kernel threads (default: one per core)', intOption('threads', 1, 256))
    .option('--json', 'print one JSON document')
    .action(async (opts: { seed: number; size: number; ticks: number; scenario?: string; compute: 'process' | 'thread' | 'js'; sync: 'auto' | 'futex' | 'eventfd' | 'signal'; spinNs: number; threads?: number; json?: boolean }) => {
      const { runSim } = await import('../../engine/sim.ts')
      const { scenario } = await import('../../engine/scenarios/index.ts')
      const { HexdError } = await import('../../errors.ts')
      if (opts.scenario !== undefined) scenario(opts.scenario) // validate before any work
      if (opts.size > 1024) throw new HexdError('HEXD_BAD_OPTION', `--size must be at most 1024 for an offline sim (it ticks the whole world when small, the player region otherwise), got ${opts.size}`, { field: 'size' })
      const tty = process.stderr.isTTY === true
      let last = -1
      const onProgress = tty ? (done: number, total: number): void => {
        const pct = Math.floor((done * 100) / total)
        if (pct === last) return
        last = pct
        const w = 30, fill = Math.round((pct * w) / 100)
        process.stderr.write(`\r[${'#'.repeat(fill)}${'.'.repeat(w - fill)}] ${pct}% tick ${done}/${total}`)
        if (done === total) process.stderr.write('\n')
      } : undefined
      const { selectBackend } = await import('../../native/backend.ts')
      const pino = (await import('pino')).default
      const log = pino({ name: 'hexd.native' }, pino.destination({ fd: 2, sync: true }))
      const sel = selectBackend(opts.compute, { sync: opts.sync, spinNs: opts.spinNs, threads: opts.threads, log })
      let report
      try {
        report = await runSim({ seed: opts.seed, size: opts.size, ticks: opts.ticks, scenario: opts.scenario, backend: sel.backend, allocate: sel.allocate, onProgress })
      } finally {
        await sel.backend.close?.()
      }
      if (sel.compute !== 'js') Object.assign(report, { sync: (sel.backend as { sync?: string }).sync })
      if (opts.json) {
        process.stdout.write(JSON.stringify(report) + '\n')
        return
      }
      const lines = [
        `seed ${report.seed}  size ${report.size}  ticks ${report.ticks}${report.scenario ? `  scenario ${report.scenario}` : ''}`,
        `hash ${report.hash}`,
        `${report.cellUpdatesPerSecond.toLocaleString('en-US')} cell updates/s (${report.activeChunks} active chunks, ${report.elapsedMs} ms)`,
        `production: ${Object.entries(report.production).map(([k, v]) => `${k} ${v}`).join(', ') || 'none'}`,
      ]
      if (report.final) lines.push(`final product: ${report.final.made} ${report.final.item}`)
      process.stdout.write(lines.join('\n') + '\n')
    })
}
