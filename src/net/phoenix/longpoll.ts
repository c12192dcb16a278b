/**
 * The Phoenix long-poll transport at `/socket/longpoll`, with the same token
 * flow as Phoenix's own server so the `phoenix` npm client's LongPoll works
 * unmodified:
 *   GET  (no or unknown token) → {"status":410,"token":T}        new connection
 *   GET  ?token=T               → {"status":200,"token":T,"messages":[frame…]}
 *                                 or, after the window, {"status":204,"token":T}
 *   POST ?token=T  (ndjson)     → {"status":200}  (each line is one frame)
 *   POST unknown token          → {"status":410}
 * HTTP status is always 200 and the Phoenix status is in the body, as Phoenix
 * does. A connection not polled for 3 windows is closed (its session lives on).
 *
 * @example
 * registerLongPoll(app, hub)   // adds GET+POST /socket/longpoll
 */
import type { FastifyInstance, FastifyReply } from 'fastify'
import { randomBytes } from 'node:crypto'
import type { Hub } from '../hub.ts'
import { PhoenixConnection } from './connection.ts'

const MAX_BUFFERED = 512

class LongPollConn {
  readonly frames: string[] = []
  waiter: ((status: 200 | 204) => void) | null = null
  lastPoll = Date.now()
  readonly conn: PhoenixConnection
  constructor(hub: Hub) {
    this.conn = new PhoenixConnection(hub, 'longpoll', {
      write: (frames) => { for (const f of frames) this.frames.push(f); this.waiter?.(200) },
      canSend: () => this.frames.length < MAX_BUFFERED,
    })
  }
}

export interface LongPollTransport {
  readonly size: number
  /** Closes every connection and answers pending polls. */
  close(): void
}

/** Registers the Phoenix long-poll routes at `path` (default /socket/longpoll). */
export function registerLongPoll(app: FastifyInstance, hub: Hub, path = '/socket/longpoll'): LongPollTransport {
  const conns = new Map<string, LongPollConn>()
  const windowMs = hub.limits.longpollWindowMs

  const drop = (token: string, c: LongPollConn) => {
    conns.delete(token)
    c.waiter?.(204)
    c.conn.close()
  }
  const sweeper = setInterval(() => {
    const now = Date.now()
    for (const [t, c] of conns) if (!c.waiter && now - c.lastPoll > 3 * windowMs) drop(t, c)
  }, Math.max(1000, windowMs))
  sweeper.unref()

  const querySchema = { type: 'object', properties: { token: { type: 'string', maxLength: 64 }, vsn: { type: 'string', maxLength: 16 } } }

  app.get(path, { schema: { summary: 'Phoenix long-poll: receive frames', tags: ['phoenix'], querystring: querySchema } }, async (req, reply: FastifyReply) => {
    const token = (req.query as { token?: string }).token
    const c = token ? conns.get(token) : undefined
    if (!c || !token) {
      if (hub.draining) return { status: 410 }
      const t = randomBytes(16).toString('hex')
      conns.set(t, new LongPollConn(hub))
      return { status: 410, token: t }
    }
    c.lastPoll = Date.now()
    c.waiter?.(204) // a newer poll replaces an older one
    c.conn.pump()
    if (c.frames.length === 0) {
      const status = await new Promise<200 | 204>((resolve) => {
        const timer = setTimeout(() => done(204), windowMs)
        const done = (s: 200 | 204) => { clearTimeout(timer); if (c.waiter === done) c.waiter = null; resolve(s) }
        c.waiter = done
        req.raw.once('close', () => { if (reply.raw.writableEnded === false) done(204) })
      })
      c.lastPoll = Date.now()
      if (status === 204 || c.frames.length === 0) return { status: 204, token }
    }
    const messages = c.frames.splice(0, c.frames.length)
    c.conn.pump() // refill for the next poll
    return { status: 200, token, messages }
  })

  app.post(path, { schema: { summary: 'Phoenix long-poll: send frames (newline-separated)', tags: ['phoenix'], querystring: querySchema } }, async (req) => {
    const token = (req.query as { token?: string }).token
    const c = token ? conns.get(token) : undefined
    if (!c) return { status: 410 }
    c.lastPoll = Date.now()
    const body = typeof req.body === 'string' ? req.body : JSON.stringify(req.body ?? '')
    for (const line of body.split('\n')) if (line.trim() !== '') c.conn.handle(line)
    return { status: 200 }
  })

  return {
    get size() { return conns.size },
    close() {
      clearInterval(sweeper)
      for (const [t, c] of conns) drop(t, c)
    },
  }
}
