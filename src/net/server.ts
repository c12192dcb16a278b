/**
 * The HTTP face of hexd: one fastify server carrying REST, the mailbox and
 * plain long-poll, the Phoenix long-poll and WebSocket transports, /healthz,
 * /metrics, the OpenAPI document at /api/openapi.json and the web viewer at /viewer/. Errors become
 * `{"error":{code,message,field}}` with the status of their code: schema
 * failures name the field, oversize bodies get 413, unknown routes 404.
 *
 * @example
 * const net = await startNetServer(hub, { host: '127.0.0.1', port: 0, health: () => ({}) })
 * net.url  // 'http://127.0.0.1:40123'
 * await net.close()
 */
import Fastify, { type FastifyError, type FastifyInstance } from 'fastify'
import { Ajv } from 'ajv'
import swagger from '@fastify/swagger'
import type { AddressInfo } from 'node:net'
import { HexdError } from '../errors.ts'
import type { Hub } from './hub.ts'
import { registerMailbox } from './http/mailbox.ts'
import { registerRest } from './http/rest.ts'
import { registerViewer } from './http/viewer.ts'
import { registerLongPoll } from './phoenix/longpoll.ts'
import { attachWebSocket } from './phoenix/websocket.ts'
import { SocketWriter, type SocketWriterMode } from './socket-writer.ts'

export interface NetServerOptions {
  host: string
  port: number
  /** Extra fields for /healthz (the daemon adds measured UPS, journal mode…). */
  health: () => Record<string, unknown>
  /** Extra routes registered before listening (e.g. the messaging part's GET /api/stats). */
  routes?: Array<(app: FastifyInstance) => void>
  /** Who makes the WebSocket connections' socket writes (src/net/socket-writer.ts). Default 'native'. */
  socketWriter?: SocketWriterMode
}

export interface NetServer {
  app: FastifyInstance
  url: string
  port: number
  /** The socket writer in effect: 'native' (a writer thread) or 'inline' (the event loop), and why when inline. */
  socketWriter: { mode: SocketWriterMode; reason?: string }
  /** Stops accepting, closes WebSockets and long-polls, then the HTTP server. */
  close(): Promise<void>
}

/** Maps any error to a HexdError (schema failures name the field). */
export function toHexdError(err: unknown): HexdError {
  if (err instanceof HexdError) return err
  const e = err as FastifyError & { validation?: Array<{ instancePath?: string; params?: Record<string, unknown>; message?: string }>; validationContext?: string }
  if (e?.validation?.length) {
    const v = e.validation[0]
    const path = (v.instancePath ?? '').replace(/^\//, '').replace(/\//g, '.')
    const missing = v.params?.missingProperty as string | undefined
    const extra = v.params?.additionalProperty as string | undefined
    const field = missing ?? extra ?? (path || e.validationContext || 'body')
    const where = e.validationContext ?? 'body'
    const what = extra ? `unknown field ${JSON.stringify(extra)}` : `${field} ${v.message ?? 'is invalid'}`
    return new HexdError('HEXD_BAD_REQUEST', `${where}: ${what}`, { field })
  }
  switch (e?.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE': return new HexdError('HEXD_TOO_LARGE', `request body is larger than the limit`, { field: 'body' })
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new HexdError('HEXD_BAD_REQUEST', `body is not valid JSON: ${e.message}`, { field: 'body' })
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE': return new HexdError('HEXD_BAD_REQUEST', `unsupported Content-Type (send application/json)`, { field: 'content-type' })
  }
  if (e?.statusCode && e.statusCode >= 400 && e.statusCode < 500) return new HexdError('HEXD_BAD_REQUEST', e.message, {})
  return new HexdError('HEXD_INTERNAL', 'internal error', { cause: err })
}

export async function startNetServer(hub: Hub, opts: NetServerOptions): Promise<NetServer> {
  const app = Fastify({
    logger: false, // hexd logs through the hub's pino logger
    bodyLimit: hub.limits.maxBytes,
    forceCloseConnections: true,
  })
  // Query strings and path params arrive as text, so they are coerced ("5" -> 5); JSON bodies are
  // typed already and are never coerced, so {"name": 5} is an error that names "name".
  const textAjv = new Ajv({ coerceTypes: 'array', useDefaults: true, removeAdditional: false, allErrors: false, strict: false })
  const bodyAjv = new Ajv({ coerceTypes: false, useDefaults: true, removeAdditional: false, allErrors: false, strict: false })
  app.setValidatorCompiler(({ schema, httpPart }) => (httpPart === 'body' ? bodyAjv : textAjv).compile(schema))
  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: { title: 'hexd', version: '0.1.0', description: 'hexd daemon HTTP API (see docs/PROTOCOL.md). Token as Authorization: Bearer.' },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
    },
  })
  // Phoenix long-poll posts newline-separated frames; keep them as text.
  app.addContentTypeParser(['application/x-ndjson', 'text/plain'], { parseAs: 'string' }, (_req, body, done) => done(null, body))
  app.setErrorHandler((err, req, reply) => {
    const h = toHexdError(err)
    if (h.code === 'HEXD_INTERNAL') hub.log.error({ err, url: req.url }, 'request failed')
    hub.metrics.httpRequests.inc({ status: String(h.status) })
    reply.code(h.status).send(h.toJSON())
  })
  app.setNotFoundHandler((req, reply) => {
    reply.code(404).send(new HexdError('HEXD_NOT_FOUND', `no route ${req.method} ${req.url.split('?')[0]}`, { field: 'path' }).toJSON())
  })
  app.addHook('onResponse', async (_req, reply) => { if (reply.statusCode < 400) hub.metrics.httpRequests.inc({ status: String(reply.statusCode) }) })

  registerRest(app, hub, opts.health)
  registerViewer(app)
  const mailbox = registerMailbox(app, hub)
  const longpoll = registerLongPoll(app, hub)
  for (const r of opts.routes ?? []) r(app)
  app.get('/api/openapi.json', { schema: { summary: 'This OpenAPI document', tags: ['ops'] } }, async () => app.swagger())

  await app.listen({ host: opts.host, port: opts.port })
  const { writer, reason } = SocketWriter.create({ mode: opts.socketWriter })
  const ws = attachWebSocket(app.server, hub, undefined, writer)
  const port = (app.server.address() as AddressInfo).port
  const host = opts.host.includes(':') ? `[${opts.host}]` : opts.host
  return {
    app, port, url: `http://${host}:${port}`,
    socketWriter: writer ? { mode: 'native' } : { mode: 'inline', reason },
    async close() {
      mailbox.close()
      longpoll.close()
      await ws.close()
      await app.close()
      // Last: the close frames written above went through its queue.
      writer?.stop()
    },
  }
}
