/**
 * Wires the messaging part into `hexd serve` (owned by the messaging work;
 * the daemon calls it with small hooks): the event log (`--bus`, embedded by
 * default — durable under the store's directory when `logDir` is given — or
 * nats://host:port), the store's log consumer (`attachLog`), the TickBus that appends every tick to it, the
 * analytics consumer, the ZeroMQ face (`--zmq-rep`, `--zmq-pub`, `--no-zmq`),
 * and the REST route `GET /api/stats`.
 *
 * Tick events go to the bus and the PUB socket only once the tick's journal
 * commit resolved (as the broadcaster does for sessions), so nothing a
 * subscriber sees can be lost by a crash; chunk diffs are read at tick time,
 * because the next tick replaces them.
 *
 * @example
 * const m = await startMessaging({ hub, diff: (c) => game.chunkDiff(c), log, bus: undefined, zmqRep: DEFAULT_ZMQ_REP, zmqPub: DEFAULT_ZMQ_PUB })
 * listeners.push(m.listener); routes.push(m.routes)
 */
import type { FastifyInstance } from 'fastify'
import type { Logger } from 'pino'
import { openEventLog } from '../bus/open.ts'
import { TickBus } from '../bus/tick-bus.ts'
import { Analytics } from '../bus/analytics.ts'
import type { EventLog } from '../bus/log.ts'
import type { OffsetStore } from '../bus/types.ts'
import { ZmqFace, DEFAULT_ZMQ_PUB, DEFAULT_ZMQ_REP } from '../messaging/daemon-face.ts'
import type { OpsHub } from '../messaging/daemon-ops.ts'
import { parseEndpoint } from '../messaging/endpoint.ts'
import { ProductionTracker } from '../bus/production.ts'

/** The daemon's tick event, as far as messaging reads it (src/daemon/daemon.ts TickEvent). */
export interface DaemonTick {
  tick: number
  hash: string
  applied: Array<{ action: Record<string, unknown>; outcome: { ok: boolean; code?: string } }>
  changedChunks: number[]
  committed: Promise<void>
  /** Engine events of the tick, when the engine reports them (e.g. `{type:'produced', player, item, count, chunk}`). */
  events?: Array<{ type: string; [k: string]: unknown }>
}

export interface MessagingOptions {
  hub: OpsHub
  /** The changed cells of a chunk in the last tick. */
  diff: (chunk: number) => unknown[]
  log: Logger
  /** undefined / 'embedded' or nats://host:port. */
  bus?: string
  /** REP / PUB endpoints; null disables one (`--no-zmq` disables both). */
  zmqRep: string | null
  zmqPub: string | null
  maxBytes?: number
  /** Player id of an owner index (the OWNER plane), for production statistics per player. */
  ownerId?: (index: number) => string | undefined
  /** Consumer offsets (default in memory; the store may pass its SQL OffsetStore). */
  offsets?: OffsetStore
  /** Keep the embedded log durable in this directory (the store's; absent = in memory). */
  logDir?: string
  /** Attaches a consumer of the log (the store's persistence writer); `detach` runs at close, after the last append. */
  attachLog?: (log: EventLog) => Promise<{ detach: () => Promise<void> }>
}

export interface Messaging {
  eventLog: EventLog
  bus: TickBus
  analytics: Analytics
  face: ZmqFace | null
  listener: { onTick(ev: DaemonTick): void }
  /** Fields for /healthz: the bus backend and the bound ZeroMQ endpoints. */
  health(): Record<string, unknown>
  /** Registers `GET /api/stats` (call before the HTTP server listens). */
  routes(app: FastifyInstance): void
  close(): Promise<void>
}

export async function startMessaging(o: MessagingOptions): Promise<Messaging> {
  // Bad endpoints are refused before anything opens, naming the option.
  if (o.zmqRep !== null) parseEndpoint(o.zmqRep, '--zmq-rep')
  if (o.zmqPub !== null) parseEndpoint(o.zmqPub, '--zmq-pub')
  // HEXD_BUS_NAMESPACE prefixes NATS stream names (default 'hexd'), so several worlds can share one NATS server.
  const eventLog = await openEventLog({ bus: o.bus, offsets: o.offsets, retention: { maxRecords: 5000 }, namespace: process.env.HEXD_BUS_NAMESPACE || undefined, dir: o.logDir })
  const bus = await TickBus.open(eventLog, { logger: o.log })
  let attached: { detach: () => Promise<void> } | undefined
  try {
    attached = await o.attachLog?.(eventLog)
  } catch (err) {
    await bus.close(); await eventLog.close()
    throw err
  }
  const production = new ProductionTracker(o.ownerId ?? (() => undefined))
  const analytics = new Analytics()
  await analytics.start(eventLog, 'analytics', { onError: (err) => o.log.warn({ err: String(err) }, 'analytics consumer failed; restarting it') })
  let face: ZmqFace | null = null
  if (o.zmqRep !== null || o.zmqPub !== null) {
    const start = (rep: string | null, pub: string | null) => ZmqFace.start({ hub: o.hub, rep, pub, maxBytes: o.maxBytes, stats: () => ({ ...analytics.stats() }), logger: o.log })
    try {
      try {
        face = await start(o.zmqRep, o.zmqPub)
      } catch (err) {
        // The default ports are shared by every daemon on the machine (and every test): when one
        // is taken, fall back to an ephemeral port and say so. An explicit endpoint stays fatal.
        if ((err as { code?: string }).code !== 'EADDRINUSE' || (o.zmqRep !== DEFAULT_ZMQ_REP && o.zmqPub !== DEFAULT_ZMQ_PUB)) throw err
        const rep = o.zmqRep === DEFAULT_ZMQ_REP ? 'tcp://127.0.0.1:*' : o.zmqRep
        const pub = o.zmqPub === DEFAULT_ZMQ_PUB ? 'tcp://127.0.0.1:*' : o.zmqPub
        face = await start(rep, pub)
        o.log.warn({ rep: face.rep?.endpoint, pub: face.pub?.endpoint }, 'default ZeroMQ port busy: bound ephemeral ports instead (see /healthz)')
      }
    } catch (err) {
      await analytics.stop(); await bus.close(); await attached?.detach(); await eventLog.close()
      throw err
    }
    bus.addListener(face)
  }
  o.log.info({ bus: eventLog.backend.kind, zmqRep: face?.rep?.endpoint ?? null, zmqPub: face?.pub?.endpoint ?? null }, 'messaging ready')
  // Ticks whose journal commit has not resolved yet are handed to the bus later; close waits for
  // every such hand-over, or the last tick's records could reach the log after the writer detached.
  let handoff: Promise<void> = Promise.resolve()
  return {
    eventLog, bus, analytics, face,
    listener: {
      onTick(ev) {
        const chunks = ev.changedChunks.map((id) => ({ id, cells: o.diff(id) as Array<{ id: number }> }))
        // Production events derived from this tick's diffs (in tick order: the tracker needs every tick).
        const produced = chunks.flatMap((c) => production.observe(c.id, c.cells))
        const events = [...(ev.events ?? []), ...produced]
        const busEv = { tick: ev.tick, hash: ev.hash, actions: ev.applied, chunks, events }
        const given = ev.committed.then(() => bus.onTick(busEv))
        handoff = Promise.all([handoff, given]).then(() => {})
      },
    },
    health() {
      return { bus: eventLog.backend.kind, zmq_rep: face?.rep?.endpoint ?? null, zmq_pub: face?.pub?.endpoint ?? null }
    },
    routes(app) {
      app.get('/api/stats', { schema: { summary: 'Production statistics per player and per item (from the event log)', tags: ['world'] } }, async () => ({ ...analytics.stats(), bus: { backend: eventLog.backend.kind, ...bus.stats } }))
    },
    async close() {
      await handoff
      face?.close()
      await bus.close()
      // After the last append: the persistence writer catches up, writes and commits.
      await attached?.detach()
      await analytics.stop()
      await eventLog.close()
    },
  }
}
