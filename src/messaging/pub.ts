/**
 * Publisher: fire-and-forget, topic-routed events. A message is two frames,
 * `[topic, body]`, and subscribers select by topic prefix (ZeroMQ SUB
 * semantics), so `chunk.` matches every chunk and `chunk.12` chunk 12 (and
 * 120…: end prefixes with a separator if that matters).
 *
 * Slow subscribers never block the publisher: beyond the high-water mark
 * messages are dropped (ZeroMQ PUB behaviour; the inproc transport counts them
 * in `stats.dropped`). Sends go through a {@link SendQueue}.
 *
 * `bind` = direct topology (subscribers connect here); `connect` = hub-spoke
 * (to a {@link PubSubHub}'s frontend).
 *
 * @example
 * const pub = await Publisher.bind('tcp://127.0.0.1:5556')
 * await pub.publish('tick', JSON.stringify({ tick: 1 }))
 */
import * as zmq from 'zeromq'
import { parseEndpoint, toBuffer, type Endpoint } from './endpoint.ts'
import { defaultContext, type InprocContext, type InprocSink } from './inproc.ts'
import { SendQueue } from './send-queue.ts'

export interface PubOptions {
  /** Send high-water mark per subscriber, messages (default 10000). */
  sendHighWaterMark?: number
  /** ZeroMQ send timeout, ms (default 0: a PUB never waits). */
  sendTimeoutMs?: number
  context?: InprocContext
}

export class Publisher {
  readonly stats = { published: 0, dropped: 0 }
  endpoint: string
  private readonly ep: Endpoint
  private readonly ctx: InprocContext
  private sock?: zmq.Publisher
  private queue?: SendQueue
  private sinks?: Set<InprocSink>

  private constructor(url: string, private readonly opts: PubOptions) {
    this.ep = parseEndpoint(url)
    this.endpoint = url
    this.ctx = opts.context ?? defaultContext
    if (this.ep.transport === 'inproc') this.sinks = this.ctx.channel(this.ep.name)
    else {
      const sock = new zmq.Publisher({ linger: 0, sendHighWaterMark: opts.sendHighWaterMark ?? 10000, sendTimeout: opts.sendTimeoutMs ?? 0 })
      this.sock = sock
      this.queue = new SendQueue((frames) => sock.send(frames))
    }
  }

  /** Publishes at `url` (direct topology). */
  static async bind(url: string, opts: PubOptions = {}): Promise<Publisher> {
    const p = new Publisher(url, opts)
    if (p.sock) { await p.sock.bind(url); p.endpoint = p.sock.lastEndpoint ?? url }
    return p
  }

  /** Publishes into a hub's frontend at `url` (hub-spoke topology). */
  static connect(url: string, opts: PubOptions = {}): Publisher {
    const p = new Publisher(url, opts)
    p.sock?.connect(url)
    return p
  }

  /** Publishes one message; resolves once handed to the transport. */
  publish(topic: string, body: Buffer | Uint8Array | string): Promise<void> {
    this.stats.published++
    const buf = toBuffer(body)
    if (this.sinks) {
      for (const s of this.sinks) if (s.matches(topic) && !s.deliver(topic, buf)) this.stats.dropped++
      return Promise.resolve()
    }
    return this.queue!.send([topic, buf])
  }

  close(): void {
    this.queue?.close()
    this.sock?.close()
  }
}
