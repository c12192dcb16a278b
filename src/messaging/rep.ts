/**
 * RepSocket: the serving side of request/reply. A handler maps request bytes
 * to reply bytes; thrown errors become `{"error":{code,message,field?}}`
 * replies, and requests above `maxMessageBytes` get a HEXD_MSG_TOO_LARGE error
 * reply without reaching the handler. Either way the socket keeps serving.
 *
 * Over ZeroMQ it is a ROUTER socket, so it answers plain REQ clients, hexd's
 * ReqSocket (DEALER) and a broker's DEALER backend alike, and handles requests
 * concurrently (a plain REP socket would serialise them: one slow action would
 * stall every client). Replies leave through a {@link SendQueue}.
 *
 * `bind` = direct topology (clients connect to this socket); `connect` =
 * hub-spoke (this socket is a worker of a {@link Broker}'s backend).
 *
 * @example
 * const rep = await RepSocket.bind('tcp://127.0.0.1:*', (req) => 'echo:' + req)
 * console.log(rep.endpoint) // tcp://127.0.0.1:43121
 */
import * as zmq from 'zeromq'
import { HexdError } from '../errors.ts'
import { parseEndpoint, toBuffer, type Endpoint } from './endpoint.ts'
import { defaultContext, type InprocContext, type InprocServer } from './inproc.ts'
import { SendQueue } from './send-queue.ts'

export type Handler = (req: Buffer) => Buffer | Uint8Array | string | Promise<Buffer | Uint8Array | string>

export interface RepOptions {
  /** Largest request handled, bytes (default 1 MiB); larger ones get an error reply. */
  maxMessageBytes?: number
  /** ZeroMQ send high-water mark per peer, messages (default 1000). */
  sendHighWaterMark?: number
  /** ZeroMQ send timeout, ms (default 1000). */
  sendTimeoutMs?: number
  /** Registry for inproc:// endpoints (default: the process-wide one). */
  context?: InprocContext
}

/** The JSON error reply for `err` (a HexdError keeps its code; anything else is HEXD_INTERNAL). */
export function errorReply(err: unknown): string {
  const e = err instanceof HexdError ? err : new HexdError('HEXD_INTERNAL', `internal error: ${(err as Error)?.message ?? String(err)}`)
  return JSON.stringify(e.toJSON())
}

export class RepSocket implements InprocServer {
  readonly stats = { requests: 0, errors: 0, oversize: 0 }
  /** The endpoint actually bound or connected (a tcp `*` port resolved). */
  endpoint: string
  private readonly ep: Endpoint
  private readonly maxBytes: number
  private readonly ctx: InprocContext
  private sock?: zmq.Router
  private queue?: SendQueue
  private closed = false
  private mode: 'bind' | 'connect' = 'bind'

  private constructor(url: string, private readonly handler: Handler, private readonly opts: RepOptions) {
    this.ep = parseEndpoint(url)
    this.endpoint = url
    this.maxBytes = opts.maxMessageBytes ?? 1 << 20
    this.ctx = opts.context ?? defaultContext
  }

  /** Serves at `url` (direct topology). Resolves once bound. */
  static async bind(url: string, handler: Handler, opts: RepOptions = {}): Promise<RepSocket> {
    const s = new RepSocket(url, handler, opts)
    if (s.ep.transport === 'inproc') s.ctx.bind(s.ep.name, s)
    else {
      s.openZmq()
      await s.sock!.bind(url)
      s.endpoint = s.sock!.lastEndpoint ?? url
      void s.serveZmq()
    }
    return s
  }

  /** Serves as a worker of the broker whose backend is `url` (hub-spoke topology). */
  static connect(url: string, handler: Handler, opts: RepOptions = {}): RepSocket {
    const s = new RepSocket(url, handler, opts)
    s.mode = 'connect'
    if (s.ep.transport === 'inproc') s.ctx.pool(s.ep.name).add(s)
    else {
      s.openZmq()
      s.sock!.connect(url)
      void s.serveZmq()
    }
    return s
  }

  /** Runs one request through size check + handler; never rejects (errors become replies). */
  handle(req: Buffer): Promise<Buffer> {
    return new Promise((resolve) => this.serveOne(req, resolve))
  }

  /**
   * Runs one request and calls `answer` with the reply: at once when the handler
   * is synchronous (no promise hop on the hot path), else when its promise settles.
   */
  private serveOne(req: Buffer, answer: (reply: Buffer) => void): void {
    this.stats.requests++
    if (req.length > this.maxBytes) {
      this.stats.oversize++
      answer(Buffer.from(errorReply(new HexdError('HEXD_MSG_TOO_LARGE', `request is ${req.length} bytes; the limit is ${this.maxBytes}`, { field: 'request', details: { bytes: req.length, limit: this.maxBytes } }))))
      return
    }
    const fail = (err: unknown) => { this.stats.errors++; answer(Buffer.from(errorReply(err))) }
    let out: ReturnType<Handler>
    try { out = this.handler(req) } catch (err) { fail(err); return }
    // A handler returning something that is not bytes or a string is a bug: reply HEXD_INTERNAL, keep serving.
    const ok = (r: unknown) => { let b: Buffer; try { b = toBuffer(r as Buffer | Uint8Array | string) } catch (err) { fail(err); return } answer(b) }
    if (typeof (out as PromiseLike<unknown>)?.then === 'function') (out as Promise<unknown>).then(ok, fail)
    else ok(out)
  }

  /** Stops serving. */
  close(): void {
    if (this.closed) return
    this.closed = true
    if (this.ep.transport === 'inproc') {
      if (this.mode === 'bind') this.ctx.unbind(this.ep.name, this)
      else this.ctx.pool(this.ep.name).remove(this)
    } else {
      this.queue?.close()
      this.sock?.close()
    }
  }

  private openZmq(): void {
    // maxMessageSize is a hard guard against memory exhaustion (ZeroMQ drops the
    // peer); below it, oversize requests get a polite error reply from handle().
    const sock = new zmq.Router({ linger: 0, sendHighWaterMark: this.opts.sendHighWaterMark ?? 1000, sendTimeout: this.opts.sendTimeoutMs ?? 1000, maxMessageSize: this.maxBytes * 4 + 4096 })
    this.sock = sock
    this.queue = new SendQueue((frames) => sock.send(frames))
  }

  private async serveZmq(): Promise<void> {
    try {
      for await (const frames of this.sock!) {
        // The envelope is everything up to and including the first empty frame.
        let d = frames.findIndex((f) => f.length === 0)
        if (d < 0) d = 0 // a DEALER that sent no delimiter: [identity, body]
        const envelope = frames.slice(0, d + 1)
        const body = frames.length - d - 1 === 1 ? frames[d + 1] : Buffer.concat(frames.slice(d + 1))
        // Async handlers are not awaited here: requests are handled concurrently and replies
        // queue in order of completion.
        this.serveOne(body, (reply) => { envelope.push(reply); this.queue!.send(envelope).catch(() => {}) })
      }
    } catch {
      // closed
    }
  }
}
