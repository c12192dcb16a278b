/**
 * Subscriber: receives `[topic, body]` messages whose topic starts with one of
 * its prefixes. As in ZeroMQ, a subscriber with no prefix receives nothing;
 * `''` receives everything. Iterate it with `for await`; `close()` ends the
 * iteration.
 *
 * ZeroMQ subscriptions travel to the publisher asynchronously, so messages
 * published right after `connect` may be missed ("slow joiner"); the inproc
 * transport subscribes synchronously. Each subscriber has a bounded queue
 * (`receiveHighWaterMark`); beyond it messages are dropped, never buffered
 * without limit.
 *
 * @example
 * const sub = Subscriber.connect('tcp://127.0.0.1:5556', { topics: ['tick', 'chunk.'] })
 * for await (const { topic, body } of sub) console.log(topic, JSON.parse(body.toString()))
 */
import * as zmq from 'zeromq'
import { parseEndpoint, type Endpoint } from './endpoint.ts'
import { defaultContext, type InprocContext, type InprocSink } from './inproc.ts'

export interface SubOptions {
  /** Topic prefixes to subscribe to at once (default none). */
  topics?: string[]
  /** Receive high-water mark, messages (default 10000). */
  receiveHighWaterMark?: number
  context?: InprocContext
}

export interface Message { topic: string; body: Buffer }

export class Subscriber implements InprocSink, AsyncIterable<Message> {
  readonly stats = { received: 0, dropped: 0 }
  private readonly ep: Endpoint
  private readonly prefixes = new Set<string>()
  private readonly hwm: number
  private sock?: zmq.Subscriber
  // inproc: messages waiting to be iterated, and the iterator waiting for one.
  // A queue with a moving head (Array.shift is O(n) on large arrays); compacted when half consumed.
  private buf: Message[] = []
  private head = 0
  private waiter?: (m: IteratorResult<Message>) => void
  private closed = false

  private constructor(url: string, opts: SubOptions, private readonly ctx: InprocContext) {
    this.ep = parseEndpoint(url)
    this.hwm = opts.receiveHighWaterMark ?? 10000
    if (this.ep.transport === 'zmq') this.sock = new zmq.Subscriber({ linger: 0, receiveHighWaterMark: this.hwm })
    for (const t of opts.topics ?? []) this.subscribe(t)
  }

  /** Subscribes to a publisher bound at `url`, or to a hub's backend. */
  static connect(url: string, opts: SubOptions = {}): Subscriber {
    const s = new Subscriber(url, opts, opts.context ?? defaultContext)
    if (s.sock) s.sock.connect(url)
    else s.ctx.channel((s.ep as { name: string }).name).add(s)
    return s
  }

  /** Binds at `url` so publishers connect to it (the reverse direct topology). */
  static async bind(url: string, opts: SubOptions = {}): Promise<Subscriber> {
    const s = new Subscriber(url, opts, opts.context ?? defaultContext)
    if (s.sock) await s.sock.bind(url)
    else s.ctx.channel((s.ep as { name: string }).name).add(s)
    return s
  }

  subscribe(prefix: string): void { this.prefixes.add(prefix); this.sock?.subscribe(prefix) }
  unsubscribe(prefix: string): void { this.prefixes.delete(prefix); this.sock?.unsubscribe(prefix) }

  /** inproc: does `topic` match a prefix? */
  matches(topic: string): boolean {
    for (const p of this.prefixes) if (topic.startsWith(p)) return true
    return false
  }

  /** inproc: accepts one message, or drops it when the queue is at its HWM. */
  deliver(topic: string, body: Buffer): boolean {
    if (this.closed) return false
    if (this.waiter) { const w = this.waiter; this.waiter = undefined; this.stats.received++; w({ value: { topic, body }, done: false }); return true }
    if (this.buf.length - this.head >= this.hwm) { this.stats.dropped++; return false }
    this.buf.push({ topic, body })
    return true
  }

  async *[Symbol.asyncIterator](): AsyncIterator<Message> {
    if (this.sock) {
      try {
        for await (const frames of this.sock) {
          this.stats.received++
          yield { topic: frames[0].toString(), body: frames.length === 2 ? frames[1] : Buffer.concat(frames.slice(1)) }
        }
      } catch { /* closed */ }
      return
    }
    while (!this.closed) {
      if (this.head < this.buf.length) {
        const m = this.buf[this.head++]
        if (this.head > 1024 && this.head * 2 > this.buf.length) { this.buf = this.buf.slice(this.head); this.head = 0 }
        this.stats.received++
        yield m
        continue
      }
      const r = await new Promise<IteratorResult<Message>>((resolve) => { this.waiter = resolve })
      if (r.done) return
      yield r.value
    }
  }

  close(): void {
    if (this.closed) return
    this.closed = true
    if (this.sock) this.sock.close()
    else {
      this.ctx.channel((this.ep as { name: string }).name).delete(this)
      this.waiter?.({ value: undefined, done: true })
    }
  }
}
