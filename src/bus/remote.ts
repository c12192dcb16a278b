/**
 * The event log across processes and nodes: {@link serveEventLog} answers log
 * requests on a RepSocket, {@link RemoteBackend} + {@link RemoteOffsetStore}
 * send them through a ReqSocket. A consumer in another process then uses the
 * ordinary {@link EventLog}/{@link Consumer} code over them, in either
 * topology: direct (the RepSocket binds, consumers connect to it) or
 * hub-spoke (the RepSocket connects as a worker of a Broker, consumers
 * connect to the broker's frontend).
 *
 * Wire: JSON `{"op":"bounds"|"read"|"append"|"wait"|"truncate"|"ensure"|"load"|"commit"|"list", ...}`;
 * record values travel base64-encoded.
 *
 * @example
 * const rep = await RepSocket.bind('tcp://127.0.0.1:7000', logHandler(log))
 * const req = ReqSocket.connect('tcp://127.0.0.1:7000')
 * const remote = new EventLog(new RemoteBackend(req), { offsets: new RemoteOffsetStore(req) })
 */
import { HexdError } from '../errors.ts'
import type { ReqSocket } from '../messaging/req.ts'
import type { EventLog } from './log.ts'
import type { Bounds, LogBackend, LogRecord, NewRecord, OffsetStore } from './types.ts'

type WireRecord = { offset: number; key: string; value: string; ts: number }
const toWire = (r: LogRecord): WireRecord => ({ offset: r.offset, key: r.key, value: r.value.toString('base64'), ts: r.ts })
const fromWire = (r: WireRecord): LogRecord => ({ offset: r.offset, key: r.key, value: Buffer.from(r.value, 'base64'), ts: r.ts })

/** A RepSocket handler serving `log` (its backend and its offset store). */
export function logHandler(log: EventLog): (req: Buffer) => Promise<string> {
  const b = log.backend, o = log.offsets
  return async (raw) => {
    let m: Record<string, any>
    try { m = JSON.parse(raw.toString('utf8')) } catch { throw new HexdError('HEXD_MSG_BAD_REQUEST', 'log request is not JSON', { field: 'request' }) }
    const { topic, partition: p } = m
    switch (m.op) {
      case 'ensure': await log.createTopic(topic, m.partitions); return '{}'
      case 'append': return JSON.stringify(await b.append(topic, p, (m.records as Array<{ key: string; value: string }>).map((r) => ({ key: r.key, value: Buffer.from(r.value, 'base64') }))))
      case 'read': return JSON.stringify((await b.read(topic, p, m.from, m.max)).map(toWire))
      // Server-side waits are capped so a client's request timeout always exceeds them.
      case 'wait': await b.wait(topic, p, m.from, Math.min(m.timeoutMs, 1000)); return '{}'
      case 'bounds': return JSON.stringify(await b.bounds(topic, p))
      case 'truncate': await b.truncateBefore(topic, p, m.offset); return '{}'
      case 'load': return JSON.stringify({ next: (await o.load(m.group, topic, p)) ?? null })
      case 'commit': await o.commit(m.group, topic, p, m.next); return '{}'
      case 'list': return JSON.stringify(await o.list(topic))
      default: throw new HexdError('HEXD_MSG_BAD_REQUEST', `unknown log op ${JSON.stringify(m.op)}`, { field: 'op' })
    }
  }
}

async function call<T>(req: ReqSocket, msg: unknown): Promise<T> {
  const r = await req.requestJson<any>(msg)
  if (r && typeof r === 'object' && 'error' in r && r.error?.code) throw new HexdError(r.error.code, r.error.message, { field: r.error.field, details: r.error.details })
  return r as T
}

/** A LogBackend whose partitions live in another process (see {@link logHandler}). */
export class RemoteBackend implements LogBackend {
  readonly kind = 'embedded' as const
  constructor(private readonly req: ReqSocket) {}
  async ensureTopic(topic: string, partitions: number): Promise<void> { await call(this.req, { op: 'ensure', topic, partitions }) }
  append(topic: string, partition: number, records: NewRecord[]): Promise<number[]> {
    return call(this.req, { op: 'append', topic, partition, records: records.map((r) => ({ key: r.key, value: r.value.toString('base64') })) })
  }
  async read(topic: string, partition: number, from: number, max: number): Promise<LogRecord[]> {
    return (await call<WireRecord[]>(this.req, { op: 'read', topic, partition, from, max })).map(fromWire)
  }
  async wait(topic: string, partition: number, from: number, timeoutMs: number): Promise<void> { await call(this.req, { op: 'wait', topic, partition, from, timeoutMs }) }
  bounds(topic: string, partition: number): Promise<Bounds> { return call(this.req, { op: 'bounds', topic, partition }) }
  async truncateBefore(topic: string, partition: number, offset: number): Promise<void> { await call(this.req, { op: 'truncate', topic, partition, offset }) }
  async close(): Promise<void> { this.req.close() }
}

/** The offset store of a remote log (offsets stay with the log's owner, so they outlive the consumer). */
export class RemoteOffsetStore implements OffsetStore {
  constructor(private readonly req: ReqSocket) {}
  async load(group: string, topic: string, partition: number): Promise<number | undefined> {
    return (await call<{ next: number | null }>(this.req, { op: 'load', group, topic, partition })).next ?? undefined
  }
  async commit(group: string, topic: string, partition: number, next: number): Promise<void> { await call(this.req, { op: 'commit', group, topic, partition, next }) }
  list(topic: string): Promise<Array<{ group: string; partition: number; next: number }>> { return call(this.req, { op: 'list', topic }) }
}
