/**
 * The curl-friendly mailbox and the plain long-poll, both reading a session's
 * outbox as plain JSON:
 *   POST   /mailbox                     → 201 {id, token, player, head}
 *   GET    /mailbox/:id/messages?after=&wait=&limit=
 *   POST   /mailbox/:id/actions         → 202 {tick, queued, key}
 *   DELETE /mailbox/:id
 *   GET    /poll/:id?after=&timeout=    (waits up to 30 s by default)
 * Token as `Authorization: Bearer`. Reading with `after=N` acknowledges N.
 * An `Idempotency-Key` header (or `"key"` in the body) makes a re-post return
 * the first answer and queue nothing.
 *
 * @example
 * registerMailbox(app, hub)
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { HexdError } from '../../errors.ts'
import type { Hub } from '../hub.ts'
import type { Session } from '../sessions.ts'

const idParams = { type: 'object', required: ['id'], properties: { id: { type: 'string', pattern: '^[0-9a-f]{32}$', description: 'session id (32 hex)' } } }
const readQuery = (waitName: string, waitMax: number, waitDefault: number) => ({
  type: 'object', additionalProperties: false,
  properties: {
    after: { type: 'integer', minimum: 0, default: 0, description: 'return messages with seq > after; acknowledges <= after' },
    [waitName]: { type: 'integer', minimum: 0, maximum: waitMax, default: waitDefault, description: 'seconds to hold the request while there is nothing new' },
    limit: { type: 'integer', minimum: 1, maximum: 1024, default: 256 },
  },
})
const IDEMPOTENCY_KEEP = 256

/** Waits until the outbox has a message after `after`, `ms` passes, or the client goes away. */
function waitForMessage(s: Session, after: number, ms: number, req: FastifyRequest): Promise<void> {
  if (s.outbox.head > after || ms <= 0) return Promise.resolve()
  return new Promise((resolve) => {
    const done = () => { clearTimeout(timer); off(); req.raw.off('close', done); resolve() }
    const timer = setTimeout(done, ms)
    const off = s.outbox.onAppend(() => { if (s.outbox.head > after) done() })
    req.raw.once('close', done)
  })
}

export function registerMailbox(app: FastifyInstance, hub: Hub): { close(): void } {
  const presenceRefs = new Map<Session, string>()
  const idem = new WeakMap<Session, Map<string, unknown>>()

  const touchPresence = (s: Session, transport: string) => {
    if (!presenceRefs.has(s)) presenceRefs.set(s, hub.presence.track(s.player.id, s.player.name, transport))
  }
  // A mailbox reader counts as online while it keeps reading (60 s without a read: offline).
  const sweeper = setInterval(() => {
    const now = Date.now()
    for (const [s, ref] of presenceRefs) {
      if (s.closed || now - s.lastSeen > 60_000) { hub.presence.untrack(s.player.id, ref); presenceRefs.delete(s) }
    }
    hub.sessions.sweep(now)
  }, 5000)
  sweeper.unref()

  const auth = (req: FastifyRequest) => hub.sessions.authenticate((req.params as { id: string }).id, req.headers.authorization)

  const read = async (req: FastifyRequest, reply: FastifyReply, waitS: number, transport: string) => {
    const s = auth(req)
    const q = req.query as { after: number; limit: number }
    touchPresence(s, transport)
    if (q.after > s.outbox.head) throw new HexdError('HEXD_BAD_REQUEST', `after=${q.after} is beyond the last message (head ${s.outbox.head})`, { field: 'after' })
    let r = s.outbox.read(q.after, q.limit, true)
    if (r.messages.length === 0 && waitS > 0) {
      await waitForMessage(s, q.after, waitS * 1000, req)
      r = s.outbox.read(q.after, q.limit, false)
    }
    s.lastSeen = Date.now()
    const msgs = r.messages.map((m) => `{"seq":${m.seq},"topic":${JSON.stringify(m.topic)},"event":${JSON.stringify(m.event)},"payload":${m.json}}`)
    reply.type('application/json; charset=utf-8')
    return `{"id":${JSON.stringify(s.id)},"head":${s.outbox.head},"resync":${r.resync},"messages":[${msgs.join(',')}]}`
  }

  app.post('/mailbox', {
    schema: {
      summary: 'Create a session (and a player); returns its id and secret token. With "token" (an earlier session\'s, also after a restart): a session for that same player (200)', tags: ['mailbox'],
      body: { type: ['object', 'null'], additionalProperties: false, properties: { name: { type: 'string', minLength: 1, maxLength: 32 }, token: { type: 'string', minLength: 1, maxLength: 256 } } },
    },
  }, async (req, reply) => {
    if (hub.draining) throw new HexdError('HEXD_UNAVAILABLE', 'the server is shutting down', {})
    const body = req.body as { name?: string; token?: string } | null
    const s = body?.token !== undefined ? await hub.sessions.resume(body.token) : await hub.sessions.create(body?.name ?? 'player')
    touchPresence(s, 'mailbox')
    reply.code(body?.token !== undefined ? 200 : 201)
    return { id: s.id, token: s.token, player: s.player, head: s.outbox.head }
  })

  app.get('/mailbox/:id/messages', {
    schema: { summary: 'Queued messages after a seq (acknowledges <= after)', tags: ['mailbox'], params: idParams, querystring: readQuery('wait', hub.limits.maxWaitS, 0) },
  }, (req, reply) => read(req, reply, (req.query as { wait: number }).wait, 'mailbox'))

  app.get('/poll/:id', {
    schema: { summary: 'Plain long-poll: like messages, waiting up to `timeout` s (default 30)', tags: ['mailbox'], params: idParams, querystring: readQuery('timeout', 60, 30) },
  }, (req, reply) => read(req, reply, (req.query as { timeout: number }).timeout, 'poll'))

  app.post('/mailbox/:id/actions', {
    schema: {
      summary: 'Queue one action or a batch; returns the tick they apply at. Results arrive as action_result messages', tags: ['mailbox'],
      params: idParams,
      querystring: { type: 'object', additionalProperties: false, properties: { wait: { type: 'boolean', default: false, description: 'hold the answer until the tick applied them (and the journal committed); adds "results"' } } },
      headers: { type: 'object', properties: { 'idempotency-key': { type: 'string', minLength: 1, maxLength: 128 } } },
      body: {
        oneOf: [
          { type: 'object', required: ['type'], properties: { type: { type: 'string' } } },
          { type: 'array', items: { type: 'object' } },
          { type: 'object', required: ['actions'], properties: { actions: { type: 'array', items: { type: 'object' } }, key: { type: 'string', minLength: 1, maxLength: 128 } } },
        ],
      },
    },
  }, async (req, reply) => {
    const s = auth(req)
    const body = req.body as Record<string, unknown>
    const key = (req.headers['idempotency-key'] as string | undefined) ?? (typeof body?.key === 'string' ? body.key : undefined)
    const wait = (req.query as { wait: boolean }).wait
    const seen = key ? idem.get(s)?.get(key) : undefined
    if (seen) { reply.code(wait ? 200 : 202); return seen }
    const { tick, count, results } = hub.submit(s, body, key ? { key } : {})
    // Outcomes reach the client as action_result messages; a failed commit is logged by the daemon.
    results.catch((err) => hub.log.warn({ err: String(err), session: s.id }, 'mailbox actions failed'))
    const answer: Record<string, unknown> = { tick, queued: count, ...(key ? { key } : {}) }
    if (key) {
      // Remembered before any wait, so a re-post racing this one queues nothing either.
      let m = idem.get(s)
      if (!m) idem.set(s, (m = new Map()))
      m.set(key, answer)
      if (m.size > IDEMPOTENCY_KEEP) m.delete(m.keys().next().value!)
    }
    if (wait) answer.results = await results
    reply.code(wait ? 200 : 202)
    return answer
  })

  app.delete('/mailbox/:id', { schema: { summary: 'End a session (its structures stay)', tags: ['mailbox'], params: idParams } }, async (req) => {
    const s = auth(req)
    const ref = presenceRefs.get(s)
    if (ref) { hub.presence.untrack(s.player.id, ref); presenceRefs.delete(s) }
    hub.sessions.close(s)
    return { id: s.id, closed: true }
  })

  return { close: () => clearInterval(sweeper) }
}
