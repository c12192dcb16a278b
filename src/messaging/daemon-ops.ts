/**
 * The JSON request protocol of the daemon's ZeroMQ REP socket. One request is
 * one JSON object with an `op`; the reply is one JSON object, or
 * `{"error":{"code","message","field"?}}` (never a dropped request):
 *
 * | request | reply |
 * | --- | --- |
 * | `{"op":"world"}` | world info (`name, tick, ups, hash, size, seed, players, cells, chunks, durability`) |
 * | `{"op":"get_chunk","chunk":ID}` | `{tick, chunk:{id, cells:[...]}}` |
 * | `{"op":"join","name":"ann"}` | `{session, token, player}` (a new session, as `POST /mailbox`) |
 * | `{"op":"action","session":ID,"token":TOKEN,"action":{...}}` (or `"actions":[...]`) | `{tick, results:[{ok,tick}|{ok:false,code,reason}]}` after the tick's journal commit |
 * | `{"op":"stats"}` | `{tick, players:{...}, items:{...}}` production statistics, plus `zmq` counters |
 *
 * @example
 * const handle = daemonOps({ hub, stats: () => analytics.stats() })
 * await handle(Buffer.from('{"op":"world"}'))
 */
import { HexdError } from '../errors.ts'
import type { Game, ActionOutcome } from '../net/types.ts'

/** What the ops need from the daemon: a subset of the net layer's Hub (src/net/hub.ts). */
export interface OpsHub {
  game: Pick<Game, 'info' | 'chunk' | 'isChunk'>
  sessions: { create(name: string): Promise<{ id: string; token: string; player: unknown }>; authenticate(id: unknown, secret: unknown): any }
  submit(session: any, body: unknown, tag: { ref?: string; key?: string }): { tick: number; results: Promise<ActionOutcome[]> }
  draining?: boolean
}

export const OPS = ['world', 'get_chunk', 'join', 'action', 'stats'] as const

const bad = (message: string, field: string) => new HexdError('HEXD_MSG_BAD_REQUEST', message, { field })

/** Parses a request frame into an object with a known op, or throws HEXD_MSG_BAD_REQUEST. */
export function parseRequest(frame: Buffer): { op: (typeof OPS)[number]; [k: string]: unknown } {
  let msg: unknown
  try { msg = JSON.parse(frame.toString('utf8')) } catch (err) {
    throw bad(`request is not JSON: ${(err as Error).message}`, 'request')
  }
  if (!msg || typeof msg !== 'object' || Array.isArray(msg)) throw bad(`request must be a JSON object with an "op", got ${JSON.stringify(msg)?.slice(0, 80)}`, 'request')
  const op = (msg as { op?: unknown }).op
  if (!(OPS as readonly unknown[]).includes(op)) throw bad(`unknown op ${JSON.stringify(op)}; known: ${OPS.join(', ')}`, 'op')
  return msg as { op: (typeof OPS)[number] }
}

/** Returns the RepSocket handler answering the daemon's ZeroMQ requests. */
export function daemonOps(o: { hub: OpsHub; stats: () => Record<string, unknown> }): (frame: Buffer) => Promise<string> {
  const { hub } = o
  return async (frame) => {
    const m = parseRequest(frame)
    switch (m.op) {
      case 'world': return JSON.stringify(hub.game.info())
      case 'get_chunk': {
        const id = m.chunk
        if (typeof id !== 'number' || !Number.isSafeInteger(id) || id < 0) throw bad(`"chunk" must be a chunk id (a non-negative integer), got ${JSON.stringify(id)}`, 'chunk')
        if (!hub.game.isChunk(id)) throw new HexdError('HEXD_BAD_CHUNK', `${id} is not a chunk of this world`, { field: 'chunk' })
        return JSON.stringify(hub.game.chunk(id))
      }
      case 'join': {
        if (typeof m.name !== 'string' || m.name.length < 1 || m.name.length > 32) throw bad(`"name" must be a string of 1 to 32 characters, got ${JSON.stringify(m.name)}`, 'name')
        const s = await hub.sessions.create(m.name)
        return JSON.stringify({ session: s.id, token: s.token, player: s.player })
      }
      case 'action': {
        if (typeof m.token !== 'string') throw bad('"token" (the session\'s secret token) is required', 'token')
        const session = hub.sessions.authenticate(m.session, m.token)
        const body = m.actions !== undefined ? m.actions : m.action
        if (body === undefined) throw bad('"action" (an object) or "actions" (an array) is required', 'action')
        const r = hub.submit(session, body, {})
        return JSON.stringify({ tick: r.tick, results: await r.results })
      }
      case 'stats': return JSON.stringify(o.stats())
    }
  }
}
