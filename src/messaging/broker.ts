/**
 * The hub of the hub-spoke topology, for both patterns:
 * - {@link Broker}: ROUTER frontend (ReqSockets connect) ↔ DEALER backend
 *   (RepSockets connect as workers, served round-robin).
 * - {@link PubSubHub}: XSUB frontend (Publishers connect) ↔ XPUB backend
 *   (Subscribers connect); subscriptions flow upstream, so publishers only
 *   send what someone wants.
 * Over ZeroMQ both run zmq_proxy on its own thread (zeromq.js `Proxy`), so the
 * hub costs the Node event loop nothing. Over inproc they forward in-process.
 *
 * @example
 * const hub = await Broker.start({ frontend: 'tcp://127.0.0.1:6000', backend: 'tcp://127.0.0.1:6001' })
 * RepSocket.connect('tcp://127.0.0.1:6001', handler)       // a worker
 * ReqSocket.connect('tcp://127.0.0.1:6000').request('hi')  // a client
 */
import * as zmq from 'zeromq'
import { HexdError } from '../errors.ts'
import { parseEndpoint } from './endpoint.ts'
import { defaultContext, type InprocContext, type InprocServer, type InprocSink } from './inproc.ts'

export interface HubOptions { frontend: string; backend: string; context?: InprocContext }

function sameTransport(o: HubOptions) {
  const f = parseEndpoint(o.frontend, 'frontend'), b = parseEndpoint(o.backend, 'backend')
  if (f.transport !== b.transport) throw new HexdError('HEXD_MSG_BAD_ENDPOINT', `frontend ${o.frontend} and backend ${o.backend} must use the same transport`, { field: 'backend' })
  return { f, b }
}

/**
 * Binds a ZeroMQ socket pair and runs zmq_proxy between them on its own thread
 * (shared by both hubs). Returns the bound endpoints (tcp `*` ports resolved)
 * and a stop function.
 */
async function runProxy(front: zmq.Socket, back: zmq.Socket, o: HubOptions): Promise<{ frontend: string; backend: string; stop: () => void }> {
  await front.bind(o.frontend)
  await back.bind(o.backend)
  const proxy = new zmq.Proxy(front, back)
  const done = proxy.run().catch(() => {})
  return { frontend: front.lastEndpoint ?? o.frontend, backend: back.lastEndpoint ?? o.backend, stop: () => { proxy.terminate(); void done } }
}

/** Request/reply broker. `frontend`/`backend` hold the bound endpoints (tcp `*` ports resolved). */
export class Broker {
  private constructor(readonly frontend: string, readonly backend: string, private readonly stop: () => void) {}

  static async start(o: HubOptions): Promise<Broker> {
    const { f, b } = sameTransport(o)
    if (f.transport === 'inproc' && b.transport === 'inproc') {
      const ctx = o.context ?? defaultContext
      const pool = ctx.pool(b.name)
      const front: InprocServer = { handle: (req) => pool.handle(req) }
      ctx.bind(f.name, front)
      return new Broker(o.frontend, o.backend, () => ctx.unbind(f.name, front))
    }
    const p = await runProxy(new zmq.Router({ linger: 0 }), new zmq.Dealer({ linger: 0 }), o)
    return new Broker(p.frontend, p.backend, p.stop)
  }

  close(): void { this.stop() }
}

/** Publish/subscribe hub. */
export class PubSubHub {
  private constructor(readonly frontend: string, readonly backend: string, private readonly stop: () => void) {}

  static async start(o: HubOptions): Promise<PubSubHub> {
    const { f, b } = sameTransport(o)
    if (f.transport === 'inproc' && b.transport === 'inproc') {
      const ctx = o.context ?? defaultContext
      const out = ctx.channel(b.name)
      const relay: InprocSink = {
        matches: () => true,
        deliver(topic, body) { let ok = true; for (const s of out) if (s.matches(topic)) ok = s.deliver(topic, body) && ok; return ok },
      }
      ctx.channel(f.name).add(relay)
      return new PubSubHub(o.frontend, o.backend, () => ctx.channel(f.name).delete(relay))
    }
    const p = await runProxy(new zmq.XSubscriber({ linger: 0 }), new zmq.XPublisher({ linger: 0 }), o)
    return new PubSubHub(p.frontend, p.backend, p.stop)
  }

  close(): void { this.stop() }
}
