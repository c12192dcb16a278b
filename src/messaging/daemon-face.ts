/**
 * The daemon's ZeroMQ face: a REP (ROUTER) socket answering JSON requests
 * (see daemon-ops.ts) and a PUB socket publishing two-frame `[topic, JSON]`
 * messages each tick:
 *
 * | topic | payload |
 * | --- | --- |
 * | `tick` | `{tick, hash, actions}` (actions = how many were applied) |
 * | `chunk.<id>` | `{tick, chunk, cells:[...]}` the chunk's changed cells |
 * | `player.<id>` | `{tick, action, outcome}` for each action of that player |
 * | `events.<type>` | `{tick, type, ...}` an engine event (e.g. `events.produced`) |
 *
 * SUB prefix filters select interest (`chunk.` = every chunk). A prefix also
 * matches longer ids (`chunk.1` matches `chunk.12`): compare the topic frame
 * exactly when that matters. Defaults: REP tcp://127.0.0.1:5555, PUB
 * tcp://127.0.0.1:5556; `--zmq-rep`, `--zmq-pub`, `--no-zmq`.
 *
 * @example
 * const face = await startZmqFace({ hub, rep: 'tcp://127.0.0.1:5555', pub: 'tcp://127.0.0.1:5556', stats: () => analytics.stats() })
 * bus.addListener(face)   // face.onTick(ev) each tick
 */
import type { Logger } from 'pino'
import type { TickEvent, TickListener } from '../bus/tick-event.ts'
import { daemonOps, type OpsHub } from './daemon-ops.ts'
import { Publisher } from './pub.ts'
import { RepSocket } from './rep.ts'

export const DEFAULT_ZMQ_REP = 'tcp://127.0.0.1:5555'
export const DEFAULT_ZMQ_PUB = 'tcp://127.0.0.1:5556'

export interface ZmqFaceOptions {
  hub: OpsHub
  /** REP endpoint, or null for none (default DEFAULT_ZMQ_REP). */
  rep?: string | null
  /** PUB endpoint, or null for none (default DEFAULT_ZMQ_PUB). */
  pub?: string | null
  /** Largest request, bytes (default 65536). */
  maxBytes?: number
  /** Production statistics for `{"op":"stats"}`. */
  stats?: () => Record<string, unknown>
  logger?: Logger
}

export class ZmqFace implements TickListener {
  private constructor(readonly rep: RepSocket | null, readonly pub: Publisher | null, private readonly logger?: Logger) {}

  /** Binds the sockets; throws (HEXD_MSG_BAD_ENDPOINT, or ZeroMQ's EADDRINUSE) if it cannot. */
  static async start(o: ZmqFaceOptions): Promise<ZmqFace> {
    let face: ZmqFace | undefined
    const stats = () => ({ ...(o.stats?.() ?? {}), zmq: { rep: face?.rep?.stats, pub: face?.pub?.stats } })
    const rep = o.rep === null ? null : await RepSocket.bind(o.rep ?? DEFAULT_ZMQ_REP, daemonOps({ hub: o.hub, stats }), { maxMessageBytes: o.maxBytes ?? 65536 })
    let pub: Publisher | null = null
    try {
      pub = o.pub === null ? null : await Publisher.bind(o.pub ?? DEFAULT_ZMQ_PUB)
    } catch (err) { rep?.close(); throw err }
    face = new ZmqFace(rep, pub, o.logger)
    o.logger?.info({ rep: rep?.endpoint ?? null, pub: pub?.endpoint ?? null }, 'zeromq face listening')
    return face
  }

  /** Publishes one tick's messages (never throws into the tick loop). */
  onTick(ev: TickEvent): void {
    const pub = this.pub
    if (!pub) return
    const send = (topic: string, payload: unknown) => { pub.publish(topic, JSON.stringify(payload)).catch((err) => this.logger?.warn({ err, topic }, 'zmq publish failed')) }
    send('tick', { tick: ev.tick, hash: ev.hash, actions: ev.actions?.length ?? 0 })
    for (const c of ev.chunks ?? []) send(`chunk.${c.id}`, { tick: ev.tick, chunk: c.id, cells: c.cells })
    for (const a of ev.actions ?? []) if (a.action.player !== undefined) send(`player.${a.action.player}`, { tick: ev.tick, action: a.action, outcome: a.outcome })
    for (const e of ev.events ?? []) send(`events.${e.type}`, { tick: ev.tick, ...e })
  }

  close(): void {
    this.rep?.close()
    this.pub?.close()
  }
}

/** Same as {@link ZmqFace.start}. */
export const startZmqFace = (o: ZmqFaceOptions) => ZmqFace.start(o)
