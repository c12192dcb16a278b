/**
 * `hexd serve` configuration: flags > HEXD_* environment > config file
 * (`--config FILE` or HEXD_CONFIG, JSON with the same keys) > defaults.
 * Every value is validated; a bad one is a HexdError naming the option and
 * where it came from.
 *
 * @example
 * resolveConfig({ port: 0 }, { HEXD_UPS: '30' }) // { port: 0, ups: 30, host: '127.0.0.1', ... }
 */
import { readFileSync } from 'node:fs'
import { HexdError } from '../errors.ts'

export interface ServeConfig {
  port: number
  host: string
  ups: number
  seed: number
  size: number
  /** Data directory for the store (unused by the in-memory journal). */
  data: string | null
  compute: string
  /** Native daemon/worker wake-up (src/native/sync.ts): auto | futex | eventfd | signal. */
  sync: string
  /** Native bounded spin before sleeping, ns (0 = off). */
  spinNs: number
  /** Native kernel threads (0 = one per core). */
  threads: number
  /** Phoenix long-poll window, ms. */
  longpollWindowMs: number
  /** Detached session expiry, s. */
  sessionTtl: number
  /** Max body/frame bytes. */
  maxBytes: number
  /** Event log: 'embedded' or nats://host:port (src/bus). */
  bus: string
  /** ZeroMQ REP / PUB endpoints, or 'none' (src/messaging; `--no-zmq` sets both to 'none'). */
  zmqRep: string
  zmqPub: string
  /** Persistence (src/store): 'auto' = Postgres when a database URL is given, else PGlite under `data`; 'memory' = no store. */
  store: string
  /** Postgres URL (DATABASE_URL is read too, by src/store/open.ts). */
  databaseUrl: string | null
  /** Database branch: a name, or 'auto' = the current git branch (default: the branch in <data>/HEAD, else main). */
  dbBranch: string | null
  /** Ticks between world snapshots. */
  snapshotEvery: number
  /** Memory budget, MiB, for chunk bytes outside the resident slots (src/store evicts clean far chunks over it). */
  cacheMb: number
  /** Write one JSON line per tick (where its time went) to this file (src/daemon/tick-trace.ts); null = off. */
  tickTrace: string | null
  /** Who makes the WebSocket connections' socket writes: native (a writer thread) | inline (the event loop); src/net/socket-writer.ts. */
  socketWriter: string
  /** Collect the young generation at a tick's quiet point once it is this full, % (0 = off); src/daemon/quiet-gc.ts. */
  quietGc: number
  /** V8's allocation-site pretenuring: off (hexd's default) | on (V8's); src/daemon/old-generation.ts. */
  pretenuring: string
  /** Old generation growth between mark-compacts, % over its live size (0 = V8's own); src/daemon/old-generation.ts. */
  oldGenGrowth: number
}

export const DEFAULTS: ServeConfig = {
  port: 4000, host: '127.0.0.1', ups: 20, seed: 1, size: 256, data: null, compute: 'process', sync: 'auto', spinNs: 0, threads: 0,
  longpollWindowMs: 10_000, sessionTtl: 3600, maxBytes: 65536,
  bus: 'embedded', zmqRep: 'tcp://127.0.0.1:5555', zmqPub: 'tcp://127.0.0.1:5556',
  store: 'auto', databaseUrl: null, dbBranch: null, snapshotEvery: 1200, cacheMb: 256, tickTrace: null, socketWriter: 'native', quietGc: 50,
  pretenuring: 'off', oldGenGrowth: 200,
}

type Spec = { env: string; kind: 'int' | 'string'; min?: number; max?: number; choices?: string[] }
const SPECS: Record<keyof ServeConfig, Spec> = {
  port: { env: 'HEXD_PORT', kind: 'int', min: 0, max: 65535 },
  host: { env: 'HEXD_HOST', kind: 'string' },
  ups: { env: 'HEXD_UPS', kind: 'int', min: 1, max: 60 },
  seed: { env: 'HEXD_SEED', kind: 'int', min: 0, max: 2 ** 32 - 1 },
  size: { env: 'HEXD_SIZE', kind: 'int', min: 1, max: 2 ** 24 },
  data: { env: 'HEXD_DATA', kind: 'string' },
  compute: { env: 'HEXD_COMPUTE', kind: 'string', choices: ['js', 'thread', 'process'] },
  sync: { env: 'HEXD_SYNC', kind: 'string', choices: ['auto', 'futex', 'eventfd', 'signal'] },
  spinNs: { env: 'HEXD_SPIN_NS', kind: 'int', min: 0, max: 100_000_000 },
  threads: { env: 'HEXD_THREADS', kind: 'int', min: 0, max: 256 },
  longpollWindowMs: { env: 'HEXD_LONGPOLL_WINDOW_MS', kind: 'int', min: 100, max: 60_000 },
  sessionTtl: { env: 'HEXD_SESSION_TTL', kind: 'int', min: 1, max: 7 * 86400 },
  maxBytes: { env: 'HEXD_MAX_BYTES', kind: 'int', min: 1024, max: 16 * 1024 * 1024 },
  bus: { env: 'HEXD_BUS', kind: 'string' },
  zmqRep: { env: 'HEXD_ZMQ_REP', kind: 'string' },
  zmqPub: { env: 'HEXD_ZMQ_PUB', kind: 'string' },
  store: { env: 'HEXD_STORE', kind: 'string', choices: ['auto', 'memory'] },
  databaseUrl: { env: 'HEXD_DATABASE_URL', kind: 'string' },
  dbBranch: { env: 'HEXD_DB_BRANCH', kind: 'string' },
  snapshotEvery: { env: 'HEXD_SNAPSHOT_EVERY', kind: 'int', min: 1, max: 10_000_000 },
  cacheMb: { env: 'HEXD_CACHE_MB', kind: 'int', min: 0, max: 1_048_576 },
  tickTrace: { env: 'HEXD_TICK_TRACE', kind: 'string' },
  socketWriter: { env: 'HEXD_SOCKET_WRITER', kind: 'string', choices: ['native', 'inline'] },
  quietGc: { env: 'HEXD_QUIET_GC', kind: 'int', min: 0, max: 100 },
  pretenuring: { env: 'HEXD_PRETENURING', kind: 'string', choices: ['off', 'on'] },
  oldGenGrowth: { env: 'HEXD_OLD_GEN_GROWTH', kind: 'int', min: 0, max: 1000 },
}

function check(key: keyof ServeConfig, value: unknown, from: string): unknown {
  const s = SPECS[key]
  const name = key.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase())
  if (s.kind === 'int') {
    const n = typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value) : value
    if (!Number.isSafeInteger(n) || (n as number) < s.min! || (n as number) > s.max!) {
      throw new HexdError('HEXD_BAD_OPTION', `${name} (${from}) must be an integer from ${s.min} to ${s.max}, got ${JSON.stringify(value)}`, { field: name })
    }
    return n
  }
  if (typeof value !== 'string' || value === '') throw new HexdError('HEXD_BAD_OPTION', `${name} (${from}) must be a non-empty string, got ${JSON.stringify(value)}`, { field: name })
  if (s.choices && !s.choices.includes(value)) throw new HexdError('HEXD_BAD_OPTION', `${name} (${from}) must be one of ${s.choices.join(', ')}, got ${JSON.stringify(value)}`, { field: name })
  return value
}

/** Merges flags, env and the config file over the defaults. `flags` holds only options the user gave. */
export function resolveConfig(flags: Partial<Record<keyof ServeConfig, unknown>> & { config?: string }, env: NodeJS.ProcessEnv = process.env): ServeConfig {
  const out: Record<string, unknown> = { ...DEFAULTS }
  const file = flags.config ?? env.HEXD_CONFIG
  if (file) {
    let parsed: unknown
    try { parsed = JSON.parse(readFileSync(file, 'utf8')) } catch (err) {
      throw new HexdError('HEXD_BAD_OPTION', `config file ${file} cannot be read as JSON: ${(err as Error).message}`, { field: 'config' })
    }
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new HexdError('HEXD_BAD_OPTION', `config file ${file} must hold a JSON object`, { field: 'config' })
    for (const [k, v] of Object.entries(parsed)) {
      if (!(k in SPECS)) throw new HexdError('HEXD_BAD_OPTION', `config file ${file}: unknown key ${JSON.stringify(k)} (known: ${Object.keys(SPECS).join(', ')})`, { field: k })
      out[k] = check(k as keyof ServeConfig, v, `config file ${file}`)
    }
  }
  for (const k of Object.keys(SPECS) as Array<keyof ServeConfig>) {
    const v = env[SPECS[k].env]
    if (v !== undefined && v !== '') out[k] = check(k, v, SPECS[k].env)
  }
  for (const k of Object.keys(SPECS) as Array<keyof ServeConfig>) {
    if (flags[k] !== undefined) out[k] = check(k, flags[k], `--${k.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase())}`)
  }
  return out as unknown as ServeConfig
}
