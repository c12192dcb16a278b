/**
 * ReqSocket: synchronous-style request/reply client ("ask and wait").
 *
 * Over ZeroMQ it is a DEALER socket that speaks the REQ envelope
 * ([request-id, "", body]) so any REP/ROUTER server, or a ROUTER/DEALER
 * broker, can answer it, and several requests may be in flight at once (a
 * plain REQ socket allows one). Reliability is lazy-pirate: each attempt has a
 * timeout; on timeout a new socket replaces the old one (which only receives for
 * one more timeout period, for replies still on their way) and the request is sent again, up to `retries`
 * times, then the promise rejects with HEXD_MSG_TIMEOUT. A retried request may
 * therefore be handled more than once: use `retries: 0` for requests that must
 * not repeat. Replies to abandoned attempts are recognised by id and ignored.
 *
 * Over `inproc://` the bound server's handler is called directly, with the
 * same timeout and retry rules (no server bound yet = no answer, as with tcp).
 *
 * @example
 * const req = ReqSocket.connect('tcp://127.0.0.1:5555', { timeoutMs: 1000, retries: 2 })
 * const world = await req.requestJson({ op: 'world' })
 * req.close()
 */
import * as zmq from 'zeromq'
import { HexdError } from '../errors.ts'
import { parseEndpoint, toBuffer, type Endpoint } from './endpoint.ts'
import { defaultContext, type InprocContext } from './inproc.ts'
import { SendQueue } from './send-queue.ts'

export interface ReqOptions {
  /** Per-attempt reply timeout in ms (default 2500). */
  timeoutMs?: number
  /** Extra attempts after the first (default 2). */
  retries?: number
  /** ZeroMQ send high-water mark, messages (default 1000). */
  sendHighWaterMark?: number
  /** ZeroMQ send timeout in ms when the HWM is reached or no peer is up (default 1000). */
  sendTimeoutMs?: number
  /** Registry for inproc:// endpoints (default: the process-wide one). */
  context?: InprocContext
}

type Body = Buffer | Uint8Array | string

interface Pending { id: number; body: Buffer; attempt: number; deadline: number; resolve: (b: Buffer) => void; reject: (e: unknown) => void }

export class ReqSocket {
  /** Counters for diagnostics and benchmarks. */
  readonly stats = { requests: 0, replies: 0, retries: 0, timeouts: 0, reconnects: 0, staleReplies: 0 }
  private readonly ep: Endpoint
  private readonly opts: Required<Omit<ReqOptions, 'context'>> & { context: InprocContext }
  private readonly pending = new Map<number, Pending>()
  private nextId = 1
  private closed = false
  private sock?: zmq.Dealer
  private queue?: SendQueue
  private openedAt = 0
  private readonly retiring = new Set<zmq.Dealer>()
  // One coarse sweeper instead of a timer per request: per-request timers cost
  // more than a loopback round trip. Runs only while requests are pending.
  private sweeper?: NodeJS.Timeout

  private constructor(url: string, opts: ReqOptions) {
    this.ep = parseEndpoint(url)
    this.opts = { timeoutMs: opts.timeoutMs ?? 2500, retries: opts.retries ?? 2, sendHighWaterMark: opts.sendHighWaterMark ?? 1000, sendTimeoutMs: opts.sendTimeoutMs ?? 1000, context: opts.context ?? defaultContext }
    if (this.ep.transport === 'zmq') this.open()
  }

  /** Connects to a server (or a broker's frontend) at `url`. */
  static connect(url: string, opts: ReqOptions = {}): ReqSocket { return new ReqSocket(url, opts) }

  /** Sends `body`, resolves with the reply bytes; rejects HEXD_MSG_TIMEOUT after all retries. */
  request(body: Body): Promise<Buffer> {
    if (this.closed) return Promise.reject(new HexdError('HEXD_MSG_CLOSED', 'request on a closed ReqSocket'))
    this.stats.requests++
    return new Promise((resolve, reject) => {
      const p: Pending = { id: this.nextId++ >>> 0, body: toBuffer(body), attempt: 0, deadline: 0, resolve, reject }
      this.pending.set(p.id, p)
      this.attempt(p)
      if (!this.sweeper) this.sweeper = setInterval(() => this.sweep(), Math.max(5, Math.floor(this.opts.timeoutMs / 10)))
    })
  }

  /** JSON in, parsed JSON out. */
  async requestJson<T = unknown>(msg: unknown): Promise<T> {
    return JSON.parse((await this.request(JSON.stringify(msg))).toString('utf8')) as T
  }

  /** Closes the socket; pending requests reject with HEXD_MSG_CLOSED. */
  close(): void {
    if (this.closed) return
    this.closed = true
    clearInterval(this.sweeper)
    for (const p of this.pending.values()) { p.reject(new HexdError('HEXD_MSG_CLOSED', 'ReqSocket closed while waiting for a reply')) }
    this.pending.clear()
    this.queue?.close()
    this.sock?.close()
    for (const s of this.retiring) s.close()
    this.retiring.clear()
  }

  private attempt(p: Pending): void {
    p.deadline = performance.now() + this.opts.timeoutMs
    if (this.ep.transport === 'inproc') {
      const server = this.opts.context.server(this.ep.name)
      if (!server) return // nobody bound yet: the timer retries, as a tcp peer that is not up
      const attempt = p.attempt
      server.handle(p.body).then((reply) => {
        // Only the live attempt may answer; an earlier attempt's late reply is stale.
        if (this.pending.get(p.id) === p && p.attempt === attempt) this.settle(p, reply)
        else this.stats.staleReplies++
      }, (err) => { if (this.pending.get(p.id) === p) { this.pending.delete(p.id); p.reject(err) } })
      return
    }
    const idFrame = Buffer.allocUnsafe(4)
    idFrame.writeUInt32BE(p.id)
    // A failed send (send timeout: no peer, HWM) is just a lost attempt; the timer retries it.
    this.queue!.send([idFrame, EMPTY, p.body]).catch(() => {})
  }

  private sweep(): void {
    if (this.pending.size === 0) { clearInterval(this.sweeper); this.sweeper = undefined; return }
    const now = performance.now()
    for (const p of [...this.pending.values()]) if (p.deadline <= now) this.onTimeout(p)
  }

  private onTimeout(p: Pending): void {
    if (p.attempt >= this.opts.retries) {
      this.pending.delete(p.id)
      this.stats.timeouts++
      p.reject(new HexdError('HEXD_MSG_TIMEOUT', `no reply from ${this.ep.url} after ${p.attempt + 1} attempt(s) of ${this.opts.timeoutMs} ms`, { field: 'endpoint', details: { endpoint: this.ep.url } }))
      return
    }
    p.attempt++
    this.stats.retries++
    // Lazy pirate: reopen the socket, but at most once per timeout period so that
    // many requests timing out together do not churn it.
    if (this.ep.transport === 'zmq' && Date.now() - this.openedAt >= this.opts.timeoutMs) this.reopen()
    this.attempt(p)
  }

  private settle(p: Pending, reply: Buffer): void {
    this.pending.delete(p.id)
    this.stats.replies++
    p.resolve(reply)
  }

  private open(): void {
    const sock = new zmq.Dealer({ linger: 0, sendHighWaterMark: this.opts.sendHighWaterMark, sendTimeout: this.opts.sendTimeoutMs })
    sock.connect(this.ep.url)
    this.sock = sock
    this.queue = new SendQueue((frames) => sock.send(frames))
    this.openedAt = Date.now()
    void this.receiveLoop(sock)
  }

  private reopen(): void {
    this.stats.reconnects++
    // The old socket stops sending but keeps receiving for one more timeout period, so replies
    // to other requests still in flight on it (which may not be retried) are not lost.
    const old = this.sock, oldQueue = this.queue
    oldQueue?.close()
    if (old) {
      this.retiring.add(old)
      setTimeout(() => { this.retiring.delete(old); old.close() }, this.opts.timeoutMs).unref()
    }
    this.open()
  }

  private async receiveLoop(sock: zmq.Dealer): Promise<void> {
    try {
      for await (const frames of sock) {
        // [id, "", body]; anything else is not ours.
        if (frames.length < 3 || frames[0].length !== 4) { this.stats.staleReplies++; continue }
        const p = this.pending.get(frames[0].readUInt32BE(0))
        if (p) this.settle(p, frames[frames.length - 1])
        else this.stats.staleReplies++
      }
    } catch {
      // The socket was closed (reopen or close): its loop simply ends.
    }
  }
}

const EMPTY = Buffer.alloc(0)
