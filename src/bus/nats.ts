/**
 * The NATS JetStream log backend (`--bus nats://host:port`), for when one
 * machine is not enough: partitions live in the NATS server and survive the
 * daemon. Each partition is one stream (`<ns>_<topic>_<p>`, subject
 * `<ns>.<topic>.<p>`), so a partition's offset is simply its stream sequence
 * minus one and offsets are dense, as in the embedded backend.
 *
 * Consumer groups read through durable pull consumers with explicit ack (one
 * per group and partition). The group's committed offset in the
 * {@link OffsetStore} stays the source of truth (so the persistence writer can
 * commit it in its own DB transaction): on open the durable is re-created to
 * start exactly there, and every commit acks the records below it.
 * Retention purges the stream below the cut EventLog computes.
 *
 * A record is stored as `[u16 key length][key utf8][value]`.
 *
 * @example
 * const backend = await NatsBackend.connect('nats://127.0.0.1:4222', { namespace: 'hexd' })
 */
import { connect, type NatsConnection } from '@nats-io/transport-node'
import { jetstream, jetstreamManager, AckPolicy, DeliverPolicy, type JetStreamClient, type JetStreamManager, type JsMsg } from '@nats-io/jetstream'
import { HexdError } from '../errors.ts'
import { gone } from './embedded.ts'
import type { Bounds, GroupReader, LogBackend, LogRecord, NewRecord } from './types.ts'

export interface NatsOptions {
  /** Prefix of stream and subject names (default 'hexd'); tests use a unique one. */
  namespace?: string
  /** 'file' (default) or 'memory' stream storage. */
  storage?: 'file' | 'memory'
}

function encode(r: NewRecord): Buffer {
  const k = Buffer.from(r.key)
  const out = Buffer.allocUnsafe(2 + k.length + r.value.length)
  out.writeUInt16BE(k.length, 0)
  k.copy(out, 2)
  r.value.copy(out, 2 + k.length)
  return out
}

function decode(m: JsMsg): LogRecord {
  const d = Buffer.from(m.data.buffer, m.data.byteOffset, m.data.byteLength)
  const kl = d.readUInt16BE(0)
  return { offset: m.seq - 1, key: d.toString('utf8', 2, 2 + kl), value: d.subarray(2 + kl), ts: Math.floor(Number(m.info.timestampNanos) / 1e6) }
}

export class NatsBackend implements LogBackend {
  readonly kind = 'nats' as const
  private constructor(private readonly nc: NatsConnection, private readonly js: JetStreamClient, private readonly jsm: JetStreamManager, private readonly o: Required<NatsOptions>) {}

  /** Connects to the NATS server at `url` (nats://host:port); HEXD_BUS_UNAVAILABLE if it cannot. */
  static async connect(url: string, opts: NatsOptions = {}): Promise<NatsBackend> {
    const servers = url.replace(/^nats:\/\//, '')
    let nc: NatsConnection
    try {
      nc = await connect({ servers, timeout: 2000, maxReconnectAttempts: -1 })
    } catch (err) {
      throw new HexdError('HEXD_BUS_UNAVAILABLE', `cannot reach NATS at ${url}: ${(err as Error).message}`, { field: 'bus', cause: err })
    }
    const jsm = await jetstreamManager(nc).catch((err) => {
      void nc.close()
      throw new HexdError('HEXD_BUS_UNAVAILABLE', `NATS at ${url} has no JetStream: ${(err as Error).message}`, { field: 'bus', cause: err })
    })
    return new NatsBackend(nc, jetstream(nc), jsm, { namespace: opts.namespace ?? 'hexd', storage: opts.storage ?? 'file' })
  }

  private stream(topic: string, p: number): string { return `${this.o.namespace}_${topic}_${p}` }
  private subject(topic: string, p: number): string { return `${this.o.namespace}.${topic}.${p}` }

  async ensureTopic(topic: string, partitions: number): Promise<void> {
    for (let p = 0; p < partitions; p++) {
      const name = this.stream(topic, p)
      try {
        await this.jsm.streams.info(name)
      } catch {
        await this.jsm.streams.add({ name, subjects: [this.subject(topic, p)], storage: this.o.storage as never })
      }
    }
  }

  async append(topic: string, p: number, records: NewRecord[]): Promise<number[]> {
    const subj = this.subject(topic, p)
    // Pipelined: one connection keeps publish order, so sequences follow the input order.
    const acks = await Promise.all(records.map((r) => this.js.publish(subj, encode(r))))
    return acks.map((a) => a.seq - 1)
  }

  async bounds(topic: string, p: number): Promise<Bounds> {
    const { state } = await this.jsm.streams.info(this.stream(topic, p))
    return { start: state.messages === 0 ? state.last_seq : state.first_seq - 1, end: state.last_seq }
  }

  async read(topic: string, p: number, from: number, max: number): Promise<LogRecord[]> {
    const b = await this.bounds(topic, p)
    if (from < b.start) throw gone(topic, p, from, b.start)
    const n = Math.min(max, b.end - from)
    if (n <= 0) return []
    // An ordered (ephemeral) consumer starting at the offset: the replay path.
    const c = await this.js.consumers.get(this.stream(topic, p), { deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: from + 1 })
    const out: LogRecord[] = []
    const it = await c.fetch({ max_messages: n, expires: 2000 })
    for await (const m of it) { out.push(decode(m)); if (out.length >= n) break }
    await c.delete().catch(() => {})
    return out
  }

  async wait(topic: string, p: number, from: number, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs
    while ((await this.bounds(topic, p)).end <= from && Date.now() < deadline) await new Promise((r) => setTimeout(r, Math.min(20, timeoutMs)))
  }

  async truncateBefore(topic: string, p: number, offset: number): Promise<void> {
    if (offset <= 0) return
    await this.jsm.streams.purge(this.stream(topic, p), { seq: offset + 1 })
  }

  async openGroupReader(group: string, topic: string, p: number, from: number): Promise<GroupReader> {
    const stream = this.stream(topic, p)
    const durable = group.replace(/[^A-Za-z0-9_-]/g, '_')
    // Re-create the durable at the committed offset: the OffsetStore is the truth.
    await this.jsm.consumers.delete(stream, durable).catch(() => {})
    await this.jsm.consumers.add(stream, { durable_name: durable, ack_policy: AckPolicy.Explicit, deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: from + 1, ack_wait: 30_000_000_000, max_ack_pending: 20000 })
    const consumer = await this.js.consumers.get(stream, durable)
    const msgs = await consumer.consume({ max_messages: 1000 })
    const buf: JsMsg[] = []
    const unacked: JsMsg[] = []
    let wake: (() => void) | undefined
    let closed = false
    void (async () => {
      try { for await (const m of msgs) { buf.push(m); wake?.() } } catch { /* closed */ }
    })()
    return {
      async next(max, waitMs) {
        if (buf.length === 0 && waitMs > 0 && !closed) await new Promise<void>((r) => { const t = setTimeout(r, waitMs); wake = () => { clearTimeout(t); wake = undefined; r() } })
        const taken = buf.splice(0, max)
        unacked.push(...taken)
        return taken.map(decode)
      },
      async ack(next) {
        let i = 0
        while (i < unacked.length && unacked[i].seq - 1 < next) unacked[i++].ack()
        unacked.splice(0, i)
      },
      async close() {
        closed = true
        await msgs.close().catch(() => {})
      },
    }
  }

  /** Deletes every stream of this namespace (tests clean up with it). */
  async destroyNamespace(): Promise<void> {
    for await (const s of this.jsm.streams.list()) if (s.config.name.startsWith(`${this.o.namespace}_`)) await this.jsm.streams.delete(s.config.name)
  }

  async close(): Promise<void> { await this.nc.drain().catch(() => {}) }
}
