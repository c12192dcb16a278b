/**
 * The whole `hexd serve` composition, shared by `hexd serve` (run.ts) and
 * `hexd tui --local` (src/tui/local.ts), so both run the same daemon:
 * - the compute backend (src/native): with `process` or `thread` the world's
 *   state buffer is allocated in the native region so the kernel ticks it in
 *   place; without the native build it falls back to `js`, logged;
 * - persistence (src/store): recovers the world (snapshot + journal replay) and
 *   is the durable journal, a tick listener and the token store; with it the
 *   event log is durable next to the store and the persistence writer consumes
 *   it. `store: 'memory'` keeps an in-memory journal and log instead;
 * - then startDaemon (daemon.ts) with that world.
 *
 * @example
 * const { daemon, close } = await composeDaemon(resolveConfig({ port: '0' }), log)
 * console.log(daemon.url); await close()
 */
import type { Logger } from 'pino'
import type { ServeConfig } from './config.ts'
import { startDaemon, type Daemon } from './daemon.ts'
import type { Persistence } from '../store/persistence.ts'
import type { EventLog } from '../bus/log.ts'

export interface Composed {
  daemon: Daemon
  /** Graceful stop: the daemon (finish the tick, flush, close clients), then the native backend. */
  close: () => Promise<void>
}

/** Where the event log lives and who consumes it, when a store is open. */
function persistedLog(store: Persistence) {
  return { offsets: store.logOffsets, logDir: store.eventLogDir(), attachLog: (log: EventLog) => store.attachLog(log) }
}

export async function composeDaemon(config: ServeConfig, log: Logger): Promise<Composed> {
  const { selectBackend } = await import('../native/backend.ts')
  const nb = selectBackend(config.compute as 'js' | 'thread' | 'process', {
    sync: config.sync as 'auto' | 'futex' | 'eventfd' | 'signal', spinNs: config.spinNs, threads: config.threads || undefined, log,
  })
  if (nb.compute !== 'js') log.info({ compute: nb.compute, sync: (nb.backend as { sync?: string }).sync, spinNs: config.spinNs, threads: config.threads || 'one per core' }, 'native backend')
  let store: Persistence | null = null
  try {
    store = config.store === 'memory' ? null : await (await import('../store/persistence.ts')).Persistence.open({
      data: config.data ?? undefined, databaseUrl: config.databaseUrl ?? undefined, branch: config.dbBranch ?? undefined,
      seed: config.seed, size: config.size, snapshotEvery: config.snapshotEvery, cacheBytes: config.cacheMb * 1024 * 1024,
      ...(nb.allocate ? { world: { allocate: nb.allocate } } : {}),
    })
    if (store) log.info({ branch: store.branch, durability: store.durability, ...store.recovery }, 'store opened')
    const { createWorld } = await import('../engine/index.ts')
    const world = store ? store.world : createWorld({ seed: config.seed, size: config.size, allocate: nb.allocate })
    // Recovery replayed with the TS reference; the native kernels give the same bytes from here on.
    world.backend = nb.backend
    const daemon = await startDaemon({ ...config, compute: nb.compute, log, world, ...(store ? { journal: store, listeners: [store], tokens: store, ...persistedLog(store) } : {}) })
    return { daemon, close: async () => { try { await daemon.close() } finally { await nb.backend.close?.() } } }
  } catch (err) {
    await store?.close(1000)
    await nb.backend.close?.()
    throw err
  }
}
