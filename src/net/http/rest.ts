/**
 * Read-only REST: world info, chunk and cell reads, players, plus /healthz and
 * /metrics (Prometheus text). Every parameter has a JSON schema, so a bad id
 * gets a 400 that names the field.
 *
 * @example
 * registerRest(app, hub, () => ({ durability: 'memory' }))
 */
import type { FastifyInstance } from 'fastify'
import { HexdError } from '../../errors.ts'
import type { Hub } from '../hub.ts'

const intId = (what: string) => ({ type: 'object', required: ['id'], properties: { id: { type: 'integer', minimum: 0, description: what } } })

export function registerRest(app: FastifyInstance, hub: Hub, health: () => Record<string, unknown>): void {
  const g = hub.game
  app.get('/api/world', { schema: { summary: 'World info: tick, ups, hash, size, players', tags: ['world'] } }, async () => {
    const { durability: _d, ...info } = g.info()
    return info
  })
  app.get('/api/chunks/:id', { schema: { summary: "A chunk's cells", tags: ['world'], params: intId('chunk id') } }, async (req) => {
    const { tick, chunk } = g.chunk((req.params as { id: number }).id)
    return { id: chunk.id, tick, cells: chunk.cells }
  })
  app.get('/api/cells/:id', { schema: { summary: 'One cell', tags: ['world'], params: intId('cell id') } }, async (req) => g.cell((req.params as { id: number }).id))
  app.get('/api/players', { schema: { summary: 'Every player, with online status', tags: ['players'] } }, async () => ({
    players: g.players().map((p) => ({ id: p.id, index: p.index, name: p.name, cell: p.cell, online: hub.presence.isOnline(p.id) })),
  }))
  app.get('/api/players/:id', { schema: { summary: 'One player with inventory', tags: ['players'], params: { type: 'object', required: ['id'], properties: { id: { type: 'string', minLength: 1, maxLength: 128 } } } } }, async (req) => {
    const id = (req.params as { id: string }).id
    const p = g.player(id)
    if (!p) throw new HexdError('HEXD_NOT_FOUND', `no player ${id}`, { field: 'id' })
    return { player: { ...p, online: hub.presence.isOnline(id) } }
  })
  app.get('/healthz', { schema: { summary: 'Liveness and durability mode', tags: ['ops'] } }, async (_req, reply) => {
    const info = g.info()
    if (hub.draining) reply.code(503)
    return { status: hub.draining ? 'draining' : 'ok', tick: info.tick, ups: info.ups, hash: info.hash, durability: info.durability, sessions: hub.sessions.size, ...health() }
  })
  app.get('/metrics', { schema: { summary: 'Prometheus metrics (text format 0.0.4)', tags: ['ops'] } }, async (_req, reply) => {
    reply.type('text/plain; version=0.0.4; charset=utf-8')
    return hub.metrics.registry.render()
  })
}
