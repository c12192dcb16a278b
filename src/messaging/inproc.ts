/**
 * hexd's in-process transport: the registry that `inproc://NAME` endpoints
 * resolve in. It plays the role ZeroMQ's context plays for tcp/ipc: a REP
 * socket binds a name, a REQ socket calls it; a publisher's channel fans out to
 * subscribers by topic prefix with a bounded queue per subscriber (the HWM:
 * beyond it messages are dropped and counted, as a ZeroMQ PUB does).
 *
 * Sockets use {@link defaultContext} unless given `context`; tests pass a fresh
 * `new InprocContext()` so they never see each other's names.
 *
 * @example
 * const ctx = new InprocContext()
 * RepSocket.bind('inproc://echo', (b) => b, { context: ctx })
 */
import { HexdError } from '../errors.ts'

/** Something that answers one request (a bound RepSocket, or a broker frontend). */
export interface InprocServer { handle(req: Buffer): Promise<Buffer> }

/** A subscriber's side of a channel. `deliver` returns false when it dropped the message (HWM). */
export interface InprocSink { matches(topic: string): boolean; deliver(topic: string, body: Buffer): boolean }

/** A broker backend: workers that connected to it, served round-robin, with requests parked while none is there. */
export class WorkerPool implements InprocServer {
  private readonly workers: InprocServer[] = []
  private next = 0
  private readonly parked: Array<{ req: Buffer; resolve: (b: Buffer) => void; reject: (e: unknown) => void }> = []

  add(w: InprocServer): void {
    this.workers.push(w)
    for (const p of this.parked.splice(0)) this.handle(p.req).then(p.resolve, p.reject)
  }
  remove(w: InprocServer): void {
    const i = this.workers.indexOf(w)
    if (i >= 0) this.workers.splice(i, 1)
  }
  get size(): number { return this.workers.length }
  handle(req: Buffer): Promise<Buffer> {
    if (this.workers.length === 0) return new Promise((resolve, reject) => this.parked.push({ req, resolve, reject }))
    const w = this.workers[this.next++ % this.workers.length]
    return w.handle(req)
  }
}

export class InprocContext {
  private readonly servers = new Map<string, InprocServer>()
  private readonly pools = new Map<string, WorkerPool>()
  private readonly channels = new Map<string, Set<InprocSink>>()

  /** Binds `server` at `name`; a name holds one server (EADDRINUSE otherwise, as in ZeroMQ). */
  bind(name: string, server: InprocServer): void {
    if (this.servers.has(name)) throw new HexdError('HEXD_MSG_BAD_ENDPOINT', `inproc://${name} is already bound`, { field: 'endpoint' })
    this.servers.set(name, server)
  }
  unbind(name: string, server: InprocServer): void {
    if (this.servers.get(name) === server) this.servers.delete(name)
  }
  /** The server bound at `name`, or undefined (a request then times out and retries, like a tcp peer not up yet). */
  server(name: string): InprocServer | undefined { return this.servers.get(name) }

  /** The worker pool a broker bound at `name` (created on first use so workers may connect before the broker). */
  pool(name: string): WorkerPool {
    let p = this.pools.get(name)
    if (!p) this.pools.set(name, (p = new WorkerPool()))
    return p
  }

  /** The set of subscribers of channel `name` (publishers and subscribers may come in any order). */
  channel(name: string): Set<InprocSink> {
    let c = this.channels.get(name)
    if (!c) this.channels.set(name, (c = new Set()))
    return c
  }
}

/** The process-wide context used when a socket is given none. */
export const defaultContext = new InprocContext()
