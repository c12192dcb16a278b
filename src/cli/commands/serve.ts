/**
 * `hexd serve`: runs the daemon (HTTP/REST, Phoenix WebSocket + long-poll,
 * mailbox, tick loop) until SIGTERM/SIGINT, then drains and exits 0.
 * Options have no commander defaults so that HEXD_* env and the config file can
 * fill them (flags > env > config file > defaults; see src/daemon/config.ts).
 *
 * @example
 * hexd serve --port 4000 --ups 20 --seed 7 --size 256
 * HEXD_PORT=0 hexd serve      # ephemeral port; the "listening" log line has the url
 */
import type { Command } from 'commander'

export function register(program: Command): void {
  program
    .command('serve')
    .description('run the hexd daemon: world tick loop + HTTP/WebSocket/long-poll/mailbox clients')
    .option('--port <n>', 'TCP port (0 = any free port) [4000, HEXD_PORT]')
    .option('--host <addr>', 'address to listen on [127.0.0.1, HEXD_HOST]')
    .option('--ups <n>', 'updates (ticks) per second, 1..60 [20, HEXD_UPS]')
    .option('--seed <n>', 'world seed [1, HEXD_SEED]')
    .option('--size <n>', 'world frequency n: 10n²+2 cells [256, HEXD_SIZE]')
    .option('--data <dir>', 'data directory for the store (PGlite files, current branch) [./.hexd, HEXD_DATA]')
    .option('--database-url <url>', 'keep the world in Postgres at this URL instead of PGlite [HEXD_DATABASE_URL, DATABASE_URL]')
    .option('--db-branch <name>', 'database branch: a name, or auto = the current git branch [HEXD_DB_BRANCH, else current]')
    .option('--store <kind>', 'auto (PGlite, or Postgres with a database URL) | memory (nothing persisted) [auto, HEXD_STORE]')
    .option('--snapshot-every <ticks>', 'ticks between world snapshots [1200, HEXD_SNAPSHOT_EVERY]')
    .option('--cache-mb <n>', 'memory budget (MiB) for chunks away from players; over it, stored ones are evicted and reloaded from the database [256, HEXD_CACHE_MB]')
    .option('--compute <mode>', 'compute backend: process (native worker over shared memory) | thread | js [process, HEXD_COMPUTE]')
    .option('--sync <mode>', 'native wake-up: auto | futex | eventfd | signal [auto, HEXD_SYNC]')
    .option('--spin-ns <ns>', 'native bounded spin before sleeping, ns (0 = off) [0, HEXD_SPIN_NS]')
    .option('--threads <n>', 'native kernel threads (0 = one per core) [0, HEXD_THREADS]')
    .option('--config <file>', 'JSON config file with the same keys [HEXD_CONFIG]')
    .option('--longpoll-window-ms <n>', 'Phoenix long-poll hold time [10000, HEXD_LONGPOLL_WINDOW_MS]')
    .option('--session-ttl <s>', 'drop a detached, idle session after this many seconds [3600, HEXD_SESSION_TTL]')
    .option('--max-bytes <n>', 'largest HTTP body / WebSocket frame [65536, HEXD_MAX_BYTES]')
    .option('--bus <url>', 'event log: embedded | nats://HOST:PORT [embedded, HEXD_BUS]')
    .option('--zmq-rep <url>', 'ZeroMQ REP endpoint (JSON requests), or none [tcp://127.0.0.1:5555, HEXD_ZMQ_REP]')
    .option('--zmq-pub <url>', 'ZeroMQ PUB endpoint ([topic, JSON] per tick), or none [tcp://127.0.0.1:5556, HEXD_ZMQ_PUB]')
    .option('--no-zmq', 'disable both ZeroMQ sockets')
    .option('--socket-writer <mode>', 'WebSocket socket writes: native (a writer thread) | inline (the event loop) [native, HEXD_SOCKET_WRITER]')
    .option('--quiet-gc <percent>', 'collect the young generation once a tick is answered, when it is this % full (0 = off) [50, HEXD_QUIET_GC]')
    .option('--pretenuring <mode>', 'V8 allocation-site pretenuring: off (objects start young; fewer mark-compacts under load) | on (V8\'s default) [off, HEXD_PRETENURING]')
    .option('--old-gen-growth <percent>', 'let V8\'s old generation grow this % over its live size between mark-compacts (0 = V8\'s own factor) [200, HEXD_OLD_GEN_GROWTH]')
    .option('--tick-trace <file>', 'write one JSON line per tick (late, step, first answer, done, CPU, GC) to this file [off, HEXD_TICK_TRACE]')
    .action(async (opts: Record<string, string | undefined>) => {
      const { resolveConfig } = await import('../../daemon/config.ts')
      const { runDaemonUntilSignal } = await import('../../daemon/run.ts')
      // commander sets zmq=true unless --no-zmq; only an explicit --no-zmq overrides the endpoints.
      if ((opts as Record<string, unknown>).zmq === false) { opts.zmqRep = 'none'; opts.zmqPub = 'none' }
      const config = resolveConfig(opts)
      await runDaemonUntilSignal(config)
    })
}
