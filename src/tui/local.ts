/**
 * `hexd tui --local`: the daemon embedded in the TUI's own process
 * (src/daemon's `composeDaemon`, the same composition `hexd serve` runs), on an
 * ephemeral loopback port. The TUI then connects to it exactly as to a remote
 * daemon, so single-player play exercises the same code path as multiplayer.
 *
 * Without `data` the world lives in memory (a quick game, no files, no clash
 * with a `hexd serve` using ./.hexd); with `data` (--data DIR or HEXD_DATA) it
 * is kept in that directory by the store (src/store), recovered on the next
 * start, exactly as `hexd serve --data DIR` keeps it.
 *
 * Logs go to `log` (a file) or nowhere: the terminal belongs to the map.
 *
 * @example
 * const local = await startLocalDaemon({ size: 64 })
 * local.url   // 'http://127.0.0.1:40123'
 * await local.stop()
 */
import pino from 'pino'

export interface LocalOptions { seed?: number; size?: number; ups?: number; data?: string; log?: string }

export async function startLocalDaemon(opts: LocalOptions): Promise<{ url: string; stop: () => Promise<void> }> {
  // Modules that log straight to stderr (the store) read this when they load.
  process.env.HEXD_LOG_LEVEL ??= 'silent'
  const { resolveConfig } = await import('../daemon/config.ts')
  const { composeDaemon } = await import('../daemon/compose.ts')
  // Flags > HEXD_* env > config file > defaults, like `hexd serve`; but always
  // loopback and an ephemeral port, since only this process connects, no
  // ZeroMQ sockets (they sit on fixed ports a `hexd serve` may hold), and the
  // store only with a data directory.
  const flags: Record<string, unknown> = {}
  if (opts.seed !== undefined) flags.seed = opts.seed
  if (opts.size !== undefined) flags.size = opts.size
  if (opts.ups !== undefined) flags.ups = opts.ups
  if (opts.data !== undefined) flags.data = opts.data
  const resolved = resolveConfig(flags)
  const config = { ...resolved, host: '127.0.0.1', port: 0, zmqRep: 'none', zmqPub: 'none', store: resolved.data ? resolved.store : 'memory' }
  const log = opts.log
    ? pino({ name: 'hexd', level: 'info' }, pino.destination({ dest: opts.log, sync: false, mkdir: true }))
    : pino({ level: 'silent' })
  const { daemon, close } = await composeDaemon(config, log)
  return { url: daemon.url, stop: close }
}
