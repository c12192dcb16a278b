/**
 * Shared by the net/daemon tests: an in-process daemon on an ephemeral port
 * (small world, quick long-poll window, silent logs), the official `phoenix`
 * client wired for Node (ws as its WebSocket; LongPoll uses Node's fetch), and
 * small waiting helpers that poll a condition (no timing assertions).
 */
import pino from 'pino'
import type { Test } from 'tap'
import { WebSocket } from 'ws'
// @ts-expect-error the phoenix package ships no type declarations
import { Socket, LongPoll, Presence } from 'phoenix'
import { DEFAULTS } from '../../src/daemon/config.ts'
import { startDaemon, type Daemon, type DaemonOptions } from '../../src/daemon/daemon.ts'

export { Socket, LongPoll, Presence, WebSocket }

/** Starts a daemon for one test and closes it at teardown. */
export async function testDaemon(t: Test, over: Partial<DaemonOptions> = {}): Promise<Daemon> {
  const d = await startDaemon({ ...DEFAULTS, compute: 'js', port: 0, size: 16, ups: 20, longpollWindowMs: 400, zmqRep: 'none', zmqPub: 'none', log: pino({ level: 'silent' }), ...over })
  t.teardown(() => d.close())
  return d
}

/**
 * Ticks a manual-ticks daemon (every 20 ms) until `p` settles, e.g. a join,
 * which needs a tick to be applied and another for its commit to resolve.
 */
export async function tickUntil<T>(d: Daemon, p: Promise<T>): Promise<T> {
  let done = false
  p.finally(() => { done = true }).catch(() => {})
  while (!done) { await d.tickOnce(); await new Promise((r) => setTimeout(r, 20)) }
  return p
}

/** Resolves when `pred()` is truthy (checked every 10 ms); rejects after `ms` with `what`. */
export async function until<T>(what: string, pred: () => T | undefined | false | null, ms = 30_000): Promise<T> {
  const end = Date.now() + ms
  for (;;) {
    const v = pred()
    if (v) return v
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 10))
  }
}

export interface Received { topic: string; event: string; payload: Record<string, any> }

/**
 * A phoenix Socket for the daemon at `url` over 'websocket' or 'longpoll', recording every
 * message it receives (socket.onMessage sees all topics).
 */
export function phoenix(t: Test, url: string, transport: 'websocket' | 'longpoll', opts: Record<string, unknown> = {}) {
  const socket = new Socket(url.replace(/^http/, 'ws') + '/socket', {
    transport: transport === 'websocket' ? WebSocket : LongPoll,
    heartbeatIntervalMs: 60_000,
    reconnectAfterMs: () => 50,
    rejoinAfterMs: () => 50,
    longpollerTimeout: 5000,
    ...opts,
  })
  const received: Received[] = []
  socket.onMessage((m: Received) => { received.push(m) })
  socket.connect()
  t.teardown(() => socket.disconnect())
  return { socket, received }
}

/** Joins a channel, resolving with the ok response or rejecting with the error response. */
export function join(channel: any): Promise<Record<string, any>> {
  return new Promise((resolve, reject) => {
    channel.join()
      .receive('ok', resolve)
      .receive('error', (e: unknown) => reject(Object.assign(new Error('join error'), { response: e })))
      .receive('timeout', () => reject(new Error('join timeout')))
  })
}

/** Pushes an event, resolving with {status, response}. */
export function push(channel: any, event: string, payload: unknown): Promise<{ status: string; response: Record<string, any> }> {
  return new Promise((resolve) => {
    channel.push(event, payload, 10_000)
      .receive('ok', (response: Record<string, any>) => resolve({ status: 'ok', response }))
      .receive('error', (response: Record<string, any>) => resolve({ status: 'error', response }))
      .receive('timeout', () => resolve({ status: 'timeout', response: {} }))
  })
}

/** Every cell (its latest full state; zero fields are absent on the wire) seen in snapshot/diff messages. */
export function cellsSeen(received: Received[]): Map<number, Record<string, any>> {
  const m = new Map<number, Record<string, any>>()
  for (const r of received) {
    if (r.event !== 'snapshot' && r.event !== 'diff') continue
    for (const c of r.payload.chunks) for (const cell of c.cells) m.set(cell.id, cell)
  }
  return m
}

/** The seq numbers of received outbox messages, in arrival order. */
export function seqs(received: Received[]): number[] {
  return received.filter((r) => typeof r.payload?.seq === 'number').map((r) => r.payload.seq)
}
