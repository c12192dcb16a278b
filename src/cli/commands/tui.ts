/**
 * `hexd tui`: play in the terminal. Attaches to a running daemon over its
 * WebSocket (`--url`, default http://127.0.0.1:4000, env HEXD_URL), or with
 * `--local` starts an embedded daemon in this process. Implementation:
 * src/tui (imported only when the command runs).
 */
import type { Command } from 'commander'
import { intOption } from '../options.ts'

export function register(program: Command): void {
  program
    .command('tui')
    .description('play in the terminal: a hex map around you, build, claim, watch production')
    .option('--url <url>', 'daemon to attach to (env HEXD_URL)', process.env.HEXD_URL ?? 'http://127.0.0.1:4000')
    .option('--name <name>', 'player name for a new session (env HEXD_NAME)', process.env.HEXD_NAME)
    .option('--local', 'start an embedded daemon in this process (single player)')
    .option('--seed <n>', 'with --local: world seed', intOption('seed', 0, 2 ** 32 - 1))
    .option('--size <n>', 'with --local: world frequency (10n²+2 cells)', intOption('size', 1, 2 ** 24))
    .option('--ups <n>', 'with --local: updates per second', intOption('ups', 1, 60))
    .option('--data <dir>', 'with --local: data directory (default: in memory)')
    .option('--log <file>', 'write logs to this file (the terminal belongs to the map)')
    .option('--fps <n>', 'frame-rate cap', intOption('fps', 1, 120), 30)
    .addHelpText('after', '\nExamples:\n  hexd serve &            # then\n  hexd tui --name alice\n  hexd tui --local --size 64\n\nIn the TUI press ? for every key.')
    .action(async (opts: { url: string; name?: string; local?: boolean; seed?: number; size?: number; ups?: number; data?: string; log?: string; fps: number }) => {
      // React's development build costs several times more per frame; pick the
      // production build unless the user asked otherwise (read when react loads).
      process.env.NODE_ENV ??= 'production'
      // ink draws only the final frame when it believes it runs in CI (is-in-ci
      // reads CI / CONTINUOUS_INTEGRATION once, when ink loads). On a real
      // terminal the TUI is interactive whatever those say, so they are cleared
      // for this process before ink is imported.
      if (process.stdin.isTTY && process.stdout.isTTY) {
        delete process.env.CI
        delete process.env.CONTINUOUS_INTEGRATION
      }
      const { runTui } = await import('../../tui/run.ts')
      await runTui({
        url: opts.url,
        name: opts.name,
        maxFps: opts.fps,
        local: opts.local ? { seed: opts.seed, size: opts.size, ups: opts.ups, data: opts.data, log: opts.log } : undefined,
      })
    })
}
