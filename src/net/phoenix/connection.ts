/**
 * One Phoenix Channels v2 connection, whatever carries it (WebSocket or
 * long-poll): parses frames, answers heartbeats, runs the channel state machine
 * (join/leave of `world:main` and `player:<id>`, pushes) and streams the
 * session's outbox. The transport only moves text: it calls `handle(text)` for
 * each incoming frame, gives a `write(frames)` function, and says via `canSend()`
 * whether it can take more (when it cannot, the outbox keeps coalescing and
 * `pump()` resumes delivery later). Outgoing frames (replies and outbox
 * messages) are gathered per connection and written once at the end of the
 * burst (the hub's batch), so a tick costs each connection one write.
 *
 * @example
 * const conn = new PhoenixConnection(hub, 'websocket', { write: (fs) => { for (const f of fs) ws.send(f) }, canSend: () => ws.bufferedAmount < 1 << 20 })
 * ws.on('message', (d) => conn.handle(String(d)))
 * ws.on('close', () => conn.close())
 */
import { HexdError } from '../../errors.ts'
import type { Hub } from '../hub.ts'
import type { Session } from '../sessions.ts'
import { actionReplyJson } from '../results.ts'
import { encodeFrame, encodeReply, encodeReplyJson, parseFrame, type Frame } from './frame.ts'

export interface ConnectionIO {
  /**
   * Sends frames, in order. A connection hands over everything it has for one burst (a tick's
   * reply, action_result, diff…) in one call, so the WebSocket transport writes them with one
   * syscall. The array is given away: the connection does not touch it again.
   */
  write(frames: string[]): void
  /** False while the transport is backed up; delivery pauses (the outbox coalesces meanwhile). */
  canSend(): boolean
}

const WORLD = 'world:main'
const NO_TAG = {}

function errorResponse(err: unknown): { code: string; reason: string; field?: string } {
  if (err instanceof HexdError) return { code: err.code, reason: err.message, ...(err.field ? { field: err.field } : {}) }
  return { code: 'HEXD_INTERNAL', reason: 'internal error' }
}

function optInt(payload: Record<string, unknown>, field: string): number | undefined {
  const v = payload[field]
  if (v === undefined || v === null) return undefined
  if (!Number.isSafeInteger(v) || (v as number) < 0) throw new HexdError('HEXD_BAD_REQUEST', `${field} must be a non-negative integer, got ${JSON.stringify(v)}`, { field })
  return v as number
}

function optString(payload: Record<string, unknown>, field: string, max: number): string | undefined {
  const v = payload[field]
  if (v === undefined || v === null) return undefined
  if (typeof v !== 'string' || v.length === 0 || v.length > max) throw new HexdError('HEXD_BAD_REQUEST', `${field} must be a string of 1 to ${max} chars, got ${JSON.stringify(v)}`, { field })
  return v
}

function chunkList(hub: Hub, payload: Record<string, unknown>): number[] {
  const v = payload.chunks
  if (!Array.isArray(v) || v.length > 256) throw new HexdError('HEXD_BAD_REQUEST', 'chunks must be an array of at most 256 chunk ids', { field: 'chunks' })
  for (const id of v) {
    if (!Number.isSafeInteger(id) || !hub.game.isChunk(id)) throw new HexdError('HEXD_BAD_CHUNK', `chunk ${JSON.stringify(id)} is not a chunk of this world`, { field: 'chunks' })
  }
  return v as number[]
}

export class PhoenixConnection {
  private session: Session | null = null
  /** topic -> join_ref of the current join on this connection. */
  private readonly joins = new Map<string, string | null>()
  private cursor = 0
  private unsubscribe: (() => void) | null = null
  private presenceRef: string | null = null
  private closed = false
  private joining = false
  private lastPump = 0
  private pumpTimer: NodeJS.Timeout | null = null
  /** Frames waiting for this burst's write (replies, then outbox messages). */
  private out: string[] = []
  /** A flush is queued in the hub's batch (set between the first send of a burst and its end). */
  private flushQueued = false
  /** ...and it should read the outbox too (an append happened and pacing allows delivery). */
  private flushReads = false
  private readonly queuedFlush = (): void => {
    this.flushQueued = false
    if (this.flushReads) { this.flushReads = false; this.readOutbox() } else if (this.pumpTimer && performance.now() - this.lastPump >= this.hub.pacingMs) {
      // Paced delivery rides along with a reply once its interval is over: one write, not two.
      clearTimeout(this.pumpTimer)
      this.pumpTimer = null
      this.readOutbox()
    }
    this.writeOut()
  }

  /**
   * An outbox append: deliver at the end of this burst (one tick appends several messages to a
   * session; they go out in one read and one write, with the burst's replies), or after the hub's
   * pacing interval (unsent diffs coalesce meanwhile).
   */
  private readonly onAppend = (): void => {
    if (this.flushReads) return
    if (this.hub.pacingMs > 0) {
      const wait = this.hub.pacingMs - (performance.now() - this.lastPump)
      if (wait > 0) {
        // Due in `wait` ms; a reply written after that takes it along (queuedFlush), else this
        // timer does, a little later (pacing exists because the server is saturated: one write
        // per connection per tick is worth more than delivering a paced diff a few ms sooner).
        this.pumpTimer ??= setTimeout(() => { this.pumpTimer = null; this.pump() }, wait + this.hub.pacingMs / 2)
        return
      }
    }
    if (this.pumpTimer) { clearTimeout(this.pumpTimer); this.pumpTimer = null }
    this.flushReads = true
    this.schedule()
  }

  /** Queues one frame for this burst's write. */
  private send(frame: string): void {
    this.out.push(frame)
    this.schedule()
  }

  private schedule(): void {
    if (this.flushQueued) return
    this.flushQueued = true
    this.hub.batch.add(this.queuedFlush)
  }

  /** Writes the queued frames, if any, in one call. */
  private writeOut(): void {
    if (this.out.length === 0) return
    const frames = this.out
    this.out = []
    if (!this.closed) this.io.write(frames)
  }

  private readonly okFrames: { inc(): void }

  constructor(private readonly hub: Hub, readonly transport: 'websocket' | 'longpoll', private readonly io: ConnectionIO) {
    this.okFrames = hub.metrics.frames.series({ transport, outcome: 'ok' })
  }

  /** The attached session, if `world:main` was joined. */
  get current(): Session | null { return this.session }

  /** Handles one incoming text frame. Never throws. */
  handle(raw: string): void {
    if (this.closed) return
    const parsed = parseFrame(raw)
    if (!parsed.ok) {
      this.hub.metrics.frames.inc({ transport: this.transport, outcome: 'bad_frame' })
      if (parsed.ref !== undefined && parsed.topic !== undefined) {
        this.reply(parsed.joinRef ?? null, parsed.ref, parsed.topic, 'error', { code: 'HEXD_BAD_FRAME', reason: parsed.reason })
      } else {
        this.send(encodeFrame(null, null, 'phoenix', 'phx_error', JSON.stringify({ code: 'HEXD_BAD_FRAME', reason: parsed.reason })))
      }
      return
    }
    this.okFrames.inc()
    const f = parsed.frame
    try {
      this.dispatch(f)
    } catch (err) {
      this.reply(f.joinRef, f.ref, f.topic, 'error', errorResponse(err))
    }
  }

  /** Delivers queued replies and pending outbox messages (if the transport can take them) now. */
  pump(): void {
    this.readOutbox()
    this.writeOut()
  }

  /** Moves pending outbox messages into this burst's frames. */
  private readOutbox(): void {
    const s = this.session
    if (!s || this.closed || !this.io.canSend()) return
    this.lastPump = performance.now()
    if (s.outbox.head <= this.cursor) return
    const { messages } = s.outbox.read(this.cursor, 1024, false)
    for (const m of messages) {
      this.out.push(encodeFrame(this.joins.get(m.topic) ?? null, null, m.topic, m.event, m.json))
      this.cursor = m.seq
    }
  }

  /** Detaches from the session (presence leave); the session itself lives on. */
  close(): void {
    if (this.closed) return
    this.closed = true
    this.detach()
  }

  private dispatch(f: Frame): void {
    if (f.topic === 'phoenix') {
      if (f.event === 'heartbeat') return this.reply(f.joinRef, f.ref, f.topic, 'ok', {})
      throw new HexdError('HEXD_BAD_REQUEST', `unknown event ${JSON.stringify(f.event)} on topic "phoenix"`, { field: 'event' })
    }
    if (f.event === 'phx_join') return this.join(f)
    if (!this.joins.has(f.topic)) {
      if (f.topic !== WORLD && !f.topic.startsWith('player:')) throw new HexdError('HEXD_UNKNOWN_TOPIC', `unmatched topic ${JSON.stringify(f.topic)}`, { field: 'topic' })
      throw new HexdError('HEXD_NOT_JOINED', `topic ${JSON.stringify(f.topic)} is not joined on this connection`, { field: 'topic' })
    }
    if (f.event === 'phx_leave') {
      this.joins.delete(f.topic)
      if (f.topic === WORLD) this.detach()
      return this.reply(f.joinRef, f.ref, f.topic, 'ok', {})
    }
    if (f.topic !== WORLD) throw new HexdError('HEXD_BAD_REQUEST', `unknown event ${JSON.stringify(f.event)} on ${f.topic}`, { field: 'event' })
    const s = this.session!
    switch (f.event) {
      case 'action': return this.action(s, f)
      case 'ack': {
        const seq = optInt(f.payload, 'seq')
        if (seq === undefined) throw new HexdError('HEXD_BAD_REQUEST', 'seq is required', { field: 'seq' })
        s.outbox.ack(Math.min(seq, this.cursor))
        return this.reply(f.joinRef, f.ref, f.topic, 'ok', {})
      }
      case 'subscribe':
      case 'unsubscribe': {
        const ids = chunkList(this.hub, f.payload)
        for (const id of ids) f.event === 'subscribe' ? s.extra.add(id) : s.extra.delete(id)
        this.hub.onWatchChange?.(s)
        return this.reply(f.joinRef, f.ref, f.topic, 'ok', { chunks: [...s.watched] })
      }
      default:
        throw new HexdError('HEXD_BAD_REQUEST', `unknown event ${JSON.stringify(f.event)} on ${WORLD} (expected action, ack, subscribe, unsubscribe)`, { field: 'event' })
    }
  }

  private action(s: Session, f: Frame): void {
    // The callback keeps the three names it answers with, not the frame: it waits for the tick
    // (up to a period), and a scavenge meanwhile would copy the frame and its payload too.
    const { joinRef, ref, topic } = f
    this.hub.submitThen(s, f.payload, ref !== null ? { ref } : NO_TAG, (outs, err, outsJson, tick) => {
      if (!outs) return this.reply(joinRef, ref, topic, 'error', errorResponse(err))
      // ok {tick, results} / error {code, reason, tick, results}: see results.ts.
      const { status, json } = actionReplyJson(outs, outsJson ?? outs.map((o) => JSON.stringify(o)), tick)
      if (!this.closed) this.send(encodeReplyJson(joinRef, ref, topic, status, json))
    })
  }

  private join(f: Frame): void {
    if (f.topic.startsWith('player:')) {
      if (!this.session) throw new HexdError('HEXD_NOT_JOINED', `join ${WORLD} before ${f.topic}`, { field: 'topic' })
      if (f.topic !== this.session.playerTopic) throw new HexdError('HEXD_FORBIDDEN', `${f.topic} is not your player topic (yours is ${this.session.playerTopic})`, { field: 'topic' })
      this.joins.set(f.topic, f.joinRef)
      return this.reply(f.joinRef, f.ref, f.topic, 'ok', {})
    }
    if (f.topic !== WORLD) throw new HexdError('HEXD_UNKNOWN_TOPIC', `unmatched topic ${JSON.stringify(f.topic)}`, { field: 'topic' })
    const p = f.payload
    const name = optString(p, 'name', 32)
    const sessionId = optString(p, 'session', 64)
    const token = optString(p, 'token', 128)
    const after = optInt(p, 'after')
    if (this.joining) throw new HexdError('HEXD_ALREADY_JOINED', 'a join of world:main is already in progress on this connection', { field: 'topic' })
    if (this.session && sessionId !== this.session.id) throw new HexdError('HEXD_ALREADY_JOINED', `this connection already plays session ${this.session.id}`, { field: 'session' })
    if (this.hub.draining) throw new HexdError('HEXD_UNAVAILABLE', 'the server is shutting down', {})
    if (sessionId !== undefined) {
      const s = this.hub.sessions.authenticate(sessionId, token)
      return this.attach(s, f, after ?? 0)
    }
    this.joining = true
    // A token alone reclaims its player: the live session holding it, or (after a restart, with
    // a store) a new session for the same player, exactly as POST /mailbox {"token"} does.
    const opened = token !== undefined ? this.hub.sessions.resume(token) : this.hub.sessions.create(name ?? 'player')
    opened.then(
      (s) => { this.joining = false; this.attach(s, f, token !== undefined ? after ?? 0 : 0) },
      (err) => { this.joining = false; this.reply(f.joinRef, f.ref, f.topic, 'error', errorResponse(err)) },
    )
  }

  private attach(s: Session, f: Frame, after: number): void {
    if (this.closed) return
    this.detach()
    this.session = s
    this.joins.set(WORLD, f.joinRef)
    s.attached++
    s.lastSeen = Date.now()
    const { messages, resync } = s.outbox.read(after, 0, true) // ack <= after, learn about resync
    void messages
    this.cursor = Math.min(after, s.outbox.head)
    const info = this.hub.game.info()
    this.reply(f.joinRef, f.ref, f.topic, 'ok', {
      session: s.id, token: s.token, player: this.hub.game.player(s.player.id) ?? s.player, tick: info.tick, ups: info.ups, size: info.size, seed: info.seed,
      head: s.outbox.head, resync,
    })
    this.send(encodeFrame(f.joinRef, null, WORLD, 'presence_state', this.hub.presence.stateJson()))
    this.presenceRef = this.hub.presence.track(s.player.id, s.player.name, this.transport)
    this.unsubscribe = s.outbox.onAppend(this.onAppend)
    this.pump()
  }

  private detach(): void {
    const s = this.session
    if (!s) return
    this.unsubscribe?.()
    this.unsubscribe = null
    if (this.pumpTimer) { clearTimeout(this.pumpTimer); this.pumpTimer = null }
    if (this.presenceRef) this.hub.presence.untrack(s.player.id, this.presenceRef)
    this.presenceRef = null
    s.attached--
    s.lastSeen = Date.now()
    this.session = null
    for (const t of [...this.joins.keys()]) if (t !== WORLD || this.closed) this.joins.delete(t)
  }

  private reply(joinRef: string | null, ref: string | null, topic: string, status: 'ok' | 'error', response: unknown): void {
    if (this.closed) return
    this.send(encodeReply(joinRef, ref, topic, status, response))
  }
}
