/**
 * The viewer's connection to the daemon through the official `phoenix` client:
 * `/socket` over WebSocket with the LongPoll fallback, `world:main` joined as a
 * new player or as the one saved in `storage` (persist.ts; rejoins after a reconnect
 * or a reload carry the session, token and last seq, so the outbox resumes with
 * nothing lost), then `player:<id>`. It learns the watched chunks from `subscribe`
 * replies and drops the chunks that left them. Every outbox message
 * (both topics share one seq) goes through the WorldBuffer's seq gate; actions are
 * predicted at once and resolved by the push reply.
 *
 * No React, no three.js: the UI and the renderer subscribe to it.
 *
 * @example
 * const c = new ViewerClient({ name: 'alice', storage: localStorage })
 * c.onCells((ids, o) => scene.update(ids, o))
 * c.connect()
 * c.act({ type: 'claim', cell: 1234 })
 */
// @ts-expect-error the phoenix package ships no type declarations
import { Socket } from 'phoenix'
import { PendingRefunds, refundOf, type Items } from './refunds.ts'
import { TickClock } from './ticks.ts'
import { WorldBuffer } from './state.ts'
import { forgetSession, loadSession, saveSession, storageKey, type KeyValueStore } from './persist.ts'
import type { ActionReply, DiffPayload, JoinReply, SnapshotPayload, ViewerAction, WirePlayer } from './wire.ts'

export type Status = 'connecting' | 'joining' | 'joined' | 'disconnected' | 'error'

/** One action the viewer sent, for the UI and the test hook. */
export interface ActionRecord {
  id: number
  action: ViewerAction
  /** The cell showed its predicted state before any reply. */
  optimistic: boolean
  result?: ActionReply
}

export interface CellsUpdate {
  /** The chunk set grew: the renderer rebuilds its mesh. */
  chunksAdded: number[]
  /** Chunks that left the watched set (no longer drawn): the renderer rebuilds its mesh. */
  chunksRemoved: number[]
  /** The change is the player's own prediction or its resolution: show it without easing. */
  immediate: boolean
}

type CellsListener = (ids: number[], o: CellsUpdate) => void

const OUTBOX_EVENTS = new Set(['snapshot', 'diff', 'presence_diff', 'player', 'action_result'])

export class ViewerClient {
  status: Status = 'connecting'
  /** Why the status is 'error' (or the last join error). */
  error = ''
  /** The join reply (session, size, ups…), once joined. */
  joined: JoinReply | null = null
  player: WirePlayer | null = null
  readonly buffer = new WorldBuffer()
  /** Items the player's own set_recipe / remove return, until the server's player record has them (refunds.ts). */
  readonly refunds = new PendingRefunds()
  clock: TickClock | null = null
  lastResult: ActionRecord | null = null
  readonly actions: ActionRecord[] = []
  /** State of the `player:<id>` channel join ('' before it is tried). */
  playerTopic: '' | 'joining' | 'joined' | 'error' = ''
  /** Players online (from presence): one key per player. */
  online = 0
  /** The chunks the server says this session watches (from the last subscribe reply), or null before the first. */
  watched: number[] | null = null
  /** Chunks subscribed explicitly (beyond the area of interest). */
  readonly extra = new Set<number>()
  /** The player was resumed from saved state ('cells': with its cells; 'credentials': the outbox replays). */
  resumed: '' | 'cells' | 'credentials' = ''

  private socket: any
  private world: any
  private playerChannel: any
  private creds: { session?: string; token: string } | null = null
  private nextId = 1
  private acked = 0
  private ackTimer: ReturnType<typeof setInterval> | undefined
  private readonly cellListeners = new Set<CellsListener>()
  private readonly changeListeners = new Set<() => void>()
  private readonly presence = new Map<string, number>()

  private readonly storeKey: string

  /**
   * `storage` (e.g. `localStorage`) keeps the session across page loads (persist.ts); `fresh`
   * forgets what it holds and starts a new player.
   */
  constructor(private readonly opts: { name: string; endpoint?: string; storage?: KeyValueStore | null; fresh?: boolean }) {
    if (!/^[\w .-]{1,32}$/.test(opts.name)) throw new Error(`name must be 1-32 letters, digits, spaces, . _ or -, got ${JSON.stringify(opts.name)}`)
    this.storeKey = storageKey(opts.endpoint ?? '/socket')
    const store = opts.storage
    if (!store) return
    if (opts.fresh) { forgetSession(store, this.storeKey); return }
    const saved = loadSession(store, this.storeKey, opts.name)
    if (!saved) return
    this.creds = { session: saved.session, token: saved.token }
    if (saved.chunks && saved.seq > 0) {
      this.buffer.restore(saved.seq, saved.tick, saved.chunks)
      this.resumed = 'cells'
    } else this.resumed = 'credentials'
  }

  /**
   * Saves the session, the last seq and the confirmed cells to the storage given to the
   * constructor (the page calls it on `pagehide`). Returns what was kept (persist.ts).
   */
  save(): 'all' | 'credentials' | 'nothing' {
    const store = this.opts.storage
    if (!store || !this.creds?.session) return 'nothing'
    const base = { name: this.opts.name, session: this.creds.session, token: this.creds.token }
    return saveSession(store, this.storeKey, { ...base, seq: this.buffer.lastSeq, tick: this.buffer.tick, chunks: this.buffer.exportChunks() })
  }

  /**
   * Watches chunk `id` beyond the area of interest (`subscribe`); a snapshot of it follows.
   * @example client.watch(12)
   */
  watch(id: number): void { this.extra.add(id); this.pushWatch('subscribe', [id]) }

  /** Stops watching chunk `id` explicitly (`unsubscribe`); it stays if it is in the area of interest. */
  unwatch(id: number): void { this.extra.delete(id); this.pushWatch('unsubscribe', [id]) }

  /** Asks the server which chunks this session watches (a `subscribe` of nothing) and drops the others. */
  refreshWatched(): void { this.pushWatch('subscribe', []) }

  private pushWatch(event: 'subscribe' | 'unsubscribe', chunks: number[]): void {
    if (this.status !== 'joined') return
    this.world.push(event, { chunks }, 10000)
      .receive('ok', (r: { chunks?: number[] }) => { if (Array.isArray(r.chunks)) this.watchedNow(r.chunks) })
      .receive('error', (e: { code?: string; reason?: string }) => { this.error = `${event}: ${e.code ?? 'error'}: ${e.reason ?? 'refused'}`; this.changed() })
  }

  /**
   * The server's watched set: held chunks outside it are dropped (their diffs no longer come).
   * A snapshot for a chunk of it that is not held yet is on its way in the outbox.
   */
  private watchedNow(chunks: number[]): void {
    this.watched = [...chunks].sort((a, b) => a - b)
    const { chunksRemoved, cells } = this.buffer.keepOnly(chunks)
    if (chunksRemoved.length) this.emitCells(cells, true, [], chunksRemoved)
    this.changed()
  }

  /** Called with the ids of cells whose shown state changed. Returns an unsubscribe function. */
  onCells(f: CellsListener): () => void { this.cellListeners.add(f); return () => this.cellListeners.delete(f) }
  /** Called after any change of status, tick, player or results. Returns an unsubscribe function. */
  onChange(f: () => void): () => void { this.changeListeners.add(f); return () => this.changeListeners.delete(f) }

  connect(): void {
    this.socket = new Socket(this.opts.endpoint ?? '/socket', { longPollFallbackMs: 2500, heartbeatIntervalMs: 15000 })
    this.socket.onOpen(() => { if (this.status !== 'joined') this.setStatus('joining') })
    this.socket.onClose(() => this.setStatus('disconnected'))
    this.socket.onError(() => { if (this.status === 'joined') this.setStatus('disconnected') })
    this.socket.onMessage((m: { topic: string; event: string; payload: any }) => this.message(m.topic, m.event, m.payload))
    // A params function: a rejoin after a reconnect resumes this session after the last seq seen.
    this.world = this.socket.channel('world:main', () => (this.creds ? { ...this.creds, after: this.buffer.lastSeq } : { name: this.opts.name }))
    this.world.join(15000)
      .receive('ok', (r: JoinReply) => this.joinedWorld(r))
      .receive('error', (e: { code?: string; reason?: string }) => this.joinRefused(e))
      .receive('timeout', () => { this.error = 'join timed out'; this.changed() })
    this.socket.connect()
    // Acknowledge what was seen, so the server can release it (docs/PROTOCOL.md "ack").
    this.ackTimer = setInterval(() => {
      if (this.status === 'joined' && this.buffer.lastSeq > this.acked) {
        this.acked = this.buffer.lastSeq
        this.world.push('ack', { seq: this.acked })
      }
    }, 2000)
  }

  /**
   * The inventory to show: the server's record plus the refunds of actions not yet in it.
   * @example client.inventory() // => { iron_ore: 4 } (3 of them from a set_recipe just sent)
   */
  inventory(): Items {
    return this.refunds.shown(this.player?.inventory ?? {})
  }

  close(): void {
    clearInterval(this.ackTimer)
    this.socket?.disconnect()
  }

  /**
   * Sends an action and shows its predicted effect at once. Refused locally
   * (recorded as a failed result, nothing sent) when not joined.
   */
  act(action: ViewerAction): ActionRecord {
    const rec: ActionRecord = { id: this.nextId++, action, optimistic: false }
    this.actions.push(rec)
    if (this.actions.length > 50) this.actions.shift()
    this.lastResult = rec
    if (this.status !== 'joined' || !this.player) {
      rec.result = { ok: false, code: 'HEXD_NOT_CONNECTED', reason: 'not connected to the daemon (yet); the action was not sent' }
      this.changed()
      return rec
    }
    const refund = refundOf(this.buffer.view(action.cell), action)
    if (refund) this.refunds.add(rec.id, refund)
    const cell = this.buffer.predict(rec.id, action, this.player.index ?? 0)
    if (cell !== null) { rec.optimistic = true; this.emitCells([cell], true) }
    const done = (reply: ActionReply): void => {
      rec.result = reply
      this.refunds.resolve(rec.id, reply)
      const c = this.buffer.resolve(rec.id, reply)
      if (c !== null) this.emitCells([c], true)
      // A move may change the area of interest: learn the new watched set.
      if (reply.ok && action.type === 'move') this.refreshWatched()
      this.changed()
    }
    this.world.push('action', action, 10000)
      .receive('ok', (r: { tick: number }) => done({ ok: true, tick: r.tick }))
      .receive('error', (r: { code?: string; reason?: string; tick?: number }) => done({ ok: false, code: r.code ?? 'error', reason: r.reason ?? 'refused', tick: r.tick }))
      .receive('timeout', () => done({ ok: false, code: 'timeout', reason: 'no reply within 10 s' }))
    this.changed()
    return rec
  }

  /**
   * A refused (re)join. After a daemon restart the session is gone: the next rejoin offers the
   * token alone (with a store, the same player comes back online); if the token is unknown too
   * (no store), it joins as a new player. Either way the outbox starts again at seq 1.
   */
  private joinRefused(e: { code?: string; reason?: string }): void {
    this.error = `${e.code ?? 'error'}: ${e.reason ?? 'join refused'}`
    if (this.creds && e.code === 'HEXD_NOT_FOUND' && this.creds.session) {
      this.creds = { token: this.creds.token }
      this.buffer.restart()
    } else if (this.creds && e.code === 'HEXD_UNAUTHORIZED') {
      this.creds = null
      this.buffer.restart()
    }
    this.setStatus('error')
  }

  private joinedWorld(r: JoinReply): void {
    const resumedCells = this.creds?.session === r.session && !r.resync && this.buffer.lastSeq > 0 && !this.joined
    this.creds = { session: r.session, token: r.token }
    this.joined = r
    this.error = ''
    this.player = { ...r.player, inventory: r.player.inventory ?? this.player?.inventory ?? {} }
    this.refunds.clear()
    if (!this.clock) this.clock = new TickClock(r.ups)
    if (r.resync) this.buffer.reset()
    // The player's own topic: joined once, and again if a rejoin made this a different player.
    if (this.playerChannel?.topic !== `player:${r.player.id}`) {
      this.playerChannel?.leave()
      this.playerChannel = this.socket.channel(`player:${r.player.id}`, {})
      this.playerTopic = 'joining'
      this.playerChannel.join()
        .receive('ok', () => { this.playerTopic = 'joined'; this.changed() })
        .receive('error', (e: { code?: string; reason?: string }) => { this.playerTopic = 'error'; this.error = `player topic: ${e.code ?? 'error'}: ${e.reason ?? 'join refused'}`; this.changed() })
    }
    this.setStatus('joined')
    // Credentials first (a reload before pagehide still finds its player), cells on pagehide.
    if (this.opts.storage && !this.buffer.lastSeq) saveSession(this.opts.storage, this.storeKey, { name: this.opts.name, session: r.session, token: r.token, seq: 0, tick: 0 })
    // Cells restored from the saved state: draw them now (the outbox may stay quiet for a while).
    if (resumedCells) this.emitCells(this.buffer.cellIds(), true, this.buffer.chunkIds())
    if (this.extra.size) this.pushWatch('subscribe', [...this.extra])
    else this.refreshWatched()
  }

  private message(topic: string, event: string, payload: any): void {
    if (event === 'presence_state' && topic === 'world:main') {
      this.presence.clear()
      for (const [k, v] of Object.entries(payload as Record<string, { metas: unknown[] }>)) this.presence.set(k, v.metas.length)
      this.online = this.presence.size
      this.changed()
      return
    }
    if (!OUTBOX_EVENTS.has(event) || typeof payload?.seq !== 'number') return
    if (!this.buffer.accept(payload.seq)) return
    const now = performance.now()
    switch (event) {
      case 'snapshot': {
        const { changed, chunksAdded } = this.buffer.applySnapshot(payload as SnapshotPayload)
        this.clock?.record(payload.tick, now)
        this.emitCells(changed, false, chunksAdded)
        // The area may have changed (a move, a subscribe): learn which chunks left it.
        if (chunksAdded.length && this.buffer.chunkIds().length > chunksAdded.length) this.refreshWatched()
        break
      }
      case 'diff': {
        const { changed } = this.buffer.applyDiff(payload as DiffPayload)
        this.clock?.record(payload.tick, now)
        this.emitCells(changed, false)
        break
      }
      case 'player': {
        const p = payload.player as WirePlayer
        this.player = { ...this.player, ...p, index: p.index ?? this.player?.index }
        if (typeof payload.tick === 'number') this.refunds.observe(payload.tick)
        break
      }
      case 'presence_diff': {
        for (const [k, v] of Object.entries((payload.joins ?? {}) as Record<string, { metas: unknown[] }>)) this.presence.set(k, (this.presence.get(k) ?? 0) + v.metas.length)
        for (const [k, v] of Object.entries((payload.leaves ?? {}) as Record<string, { metas: unknown[] }>)) {
          const left = (this.presence.get(k) ?? 0) - v.metas.length
          if (left > 0) this.presence.set(k, left)
          else this.presence.delete(k)
        }
        this.online = this.presence.size
        break
      }
      // action_result repeats the push reply (which resolves the prediction); its seq is counted above.
    }
    this.changed()
  }

  private emitCells(ids: number[], immediate: boolean, chunksAdded: number[] = [], chunksRemoved: number[] = []): void {
    for (const f of this.cellListeners) f(ids, { chunksAdded, chunksRemoved, immediate })
  }

  private setStatus(s: Status): void { this.status = s; this.changed() }
  private changed(): void { for (const f of this.changeListeners) f() }
}
