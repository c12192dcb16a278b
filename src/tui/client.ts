/**
 * The TUI's connection to a daemon: the official `phoenix` client over
 * WebSocket (`ws` as its WebSocket), speaking docs/PROTOCOL.md, feeding a
 * {@link GameModel} and sending actions.
 *
 * Reconnect + resume: the phoenix Socket reconnects by itself (backoff
 * 0.2 s → 3 s) and rejoins `world:main` with a params *function*, so every
 * rejoin carries `{session, token, after: <last seq seen>}` and the server
 * replays exactly the outbox messages missed. If the session is gone (daemon
 * restarted) the next join starts a fresh session under the same name.
 *
 * Also: `ping` every 2 s for the latency shown in the status line, `ack` of the
 * last seq, REST polling of /api/world and /api/players (tick/UPS when nothing
 * changes in view, other players' positions), and `watch(view)` subscribing
 * the chunks the map shows.
 *
 * @example
 * const client = new TuiClient({ url: 'http://127.0.0.1:4000', name: 'alice', model })
 * const joined = await client.connect()  // { player, size, seed }
 * await client.send({ type: 'claim', cell: joined.player.cell })
 */
import WebSocket from 'ws'
import type { GameModel } from './model.ts'
import type { ActionInput, ActionResult, ActionSink, ConnState } from './types.ts'
import type { LocalView } from './layout.ts'
import { cellsOf, toInventory, toPlayerView } from './wire.ts'
import { pollRest } from './rest.ts'

// The phoenix package ships no types; the few parts used are typed here.
interface PhxPush { receive(status: string, cb: (resp: any) => void): PhxPush }
interface PhxChannel {
  join(timeout?: number): PhxPush
  push(event: string, payload: object, timeout?: number): PhxPush
  on(event: string, cb: (payload: any) => void): number
  leave(): PhxPush
}
interface PhxSocket {
  connect(): void
  disconnect(cb?: () => void, code?: number, reason?: string): void
  channel(topic: string, params: object | (() => object)): PhxChannel
  onOpen(cb: () => void): string
  onClose(cb: (ev: unknown) => void): string
  onError(cb: (err: unknown) => void): string
  onMessage(cb: (msg: { topic: string; event: string; payload: any; ref: string | null }) => void): string
  ping(cb: (ms: number) => void): boolean
  isConnected(): boolean
}

export interface ClientOptions {
  /** Daemon base URL, e.g. http://127.0.0.1:4000 (ws:// works too). */
  url: string
  name?: string
  model: GameModel
  /** Connection state to show while online (default 'online'; --local shows 'local'). */
  onlineLabel?: ConnState
  /** How often to ping / poll REST (default 2000 ms). */
  pollMs?: number
  /** Timeout of one action push (default 10 s). */
  actionTimeoutMs?: number
  /** Sees every server message the client applies (tests, debugging). */
  observe?: (topic: string, event: string, payload: Record<string, unknown>) => void
}

export interface JoinInfo {
  session: string
  player: { id: string; name: string; cell: number }
  size: number
  seed?: unknown
  tick: number
  ups: number
}

/** Base http URL and socket URL from what the user typed. */
export function endpoints(url: string): { http: string; socket: string } {
  const u = new URL(url.includes('://') ? url : `http://${url}`)
  const httpProto = u.protocol === 'wss:' || u.protocol === 'https:' ? 'https:' : 'http:'
  const base = `${httpProto}//${u.host}`
  return { http: base, socket: `${httpProto === 'https:' ? 'wss' : 'ws'}://${u.host}/socket` }
}

export class TuiClient implements ActionSink {
  private socket?: PhxSocket
  private channel?: PhxChannel
  private creds?: { session: string; token: string }
  /** Highest outbox seq applied; sent as `after` on every rejoin. */
  lastSeq = 0
  private ackedSeq = 0
  private timers: NodeJS.Timeout[] = []
  private watched = new Set<number>()
  private wantChunks: number[] = []
  private joined?: JoinInfo
  private closed = false
  /** Set when the daemon refused to resume our session: the next join is a new one. */
  private lostSession = false
  private readonly ep: { http: string; socket: string }

  constructor(private readonly opts: ClientOptions) {
    this.ep = endpoints(opts.url)
  }

  get info(): JoinInfo | undefined { return this.joined }

  /** Connects and joins; resolves on the first successful join, rejects if the first join is refused. */
  async connect(): Promise<JoinInfo> {
    const { model } = this.opts
    const phx = (await import('phoenix' as string)) as { Socket: new (url: string, opts: object) => PhxSocket }
    const socket = new phx.Socket(this.ep.socket, {
      transport: WebSocket,
      timeout: this.opts.actionTimeoutMs ?? 10_000,
      heartbeatIntervalMs: 15_000,
      reconnectAfterMs: (tries: number) => [200, 500, 1000, 2000][tries - 1] ?? 3000,
      rejoinAfterMs: (tries: number) => [200, 500, 1000, 2000][tries - 1] ?? 3000,
    })
    this.socket = socket
    model.update({ status: { conn: 'connecting', detail: this.ep.http } })
    socket.onOpen(() => this.opts.model.update({ status: { conn: this.joined ? 'reconnecting' : 'connecting' } }))
    socket.onClose(() => { if (!this.closed) model.update({ status: { conn: 'reconnecting', latencyMs: undefined } }) })
    socket.onMessage((m) => this.onMessage(m.topic, m.event, m.payload))

    // The params function runs on every (re)join: resume when we have a session.
    const channel = socket.channel('world:main', () => this.creds
      ? { ...this.creds, after: this.lastSeq }
      : { name: this.opts.name ?? `tui-${process.pid}` })
    this.channel = channel
    socket.connect()

    const first = new Promise<JoinInfo>((resolve, reject) => {
      let settled = false
      channel.join()
        .receive('ok', (r: any) => {
          this.onJoined(r)
          if (!settled) { settled = true; resolve(this.joined!) }
        })
        .receive('error', (r: any) => {
          const code = r?.code ?? 'error'
          if (this.creds && (code === 'HEXD_NOT_FOUND' || code === 'HEXD_UNAUTHORIZED')) {
            // The daemon forgot our session (restart): the automatic rejoin starts a new one.
            this.creds = undefined
            this.lastSeq = 0
            this.ackedSeq = 0
            this.lostSession = true
            model.say(`session lost (${code}); joining again as a new session`, true)
            return
          }
          if (!settled) { settled = true; reject(new Error(`join refused: ${r?.reason ?? code}`)) }
        })
        .receive('timeout', () => model.update({ status: { conn: 'reconnecting' } }))
    })

    const every = this.opts.pollMs ?? 2000
    this.timers.push(setInterval(() => this.tickTimers(), every))
    return first
  }

  private onJoined(r: any): void {
    const { model } = this.opts
    const resumed = !!this.joined
    this.creds = { session: r.session, token: r.token }
    if (!resumed || r.player) {
      this.joined = { session: r.session, player: { ...r.player, id: String(r.player?.id) }, size: r.size, seed: r.seed, tick: r.tick ?? 0, ups: r.ups ?? 0 }
    }
    const me = toPlayerView({ ...r.player, online: true }, 0)
    const players = model.players.filter((p) => p.id !== me?.id)
    model.update({
      meId: me?.id,
      players: me ? [...players, me] : players,
      status: { conn: this.opts.onlineLabel ?? 'online', tick: r.tick ?? model.status.tick, ups: r.ups ?? model.status.ups },
    })
    if (this.lostSession) {
      // A new session (and player) on a daemon that forgot us: what we held is stale.
      this.lostSession = false
      this.watched.clear()
      model.cells.clear()
      model.update({ home: { cell: this.joined!.player.cell, n: (model.home?.n ?? 0) + 1 } })
      model.say(`session lost: the daemon no longer knew it; joined again as a new session (${this.joined!.player.name})`, true)
    } else if (resumed) model.say(r.resync ? 'reconnected (resynchronised from a fresh snapshot)' : `reconnected; resumed after seq ${this.lastSeq}`)
    // Chunks explicitly watched before a reconnect are part of the session; ask again in case it is new.
    if (this.wantChunks.length) this.subscribe(this.wantChunks)
    this.tickTimers()
  }

  private onMessage(topic: string, event: string, p: any): void {
    if (!p || typeof p !== 'object') return
    if (typeof p.seq === 'number') {
      if (p.seq <= this.lastSeq) return // already applied (a replay overlapping what we saw)
      this.lastSeq = p.seq
    }
    this.opts.observe?.(topic, event, p)
    const { model } = this.opts
    if (topic === 'world:main' && (event === 'snapshot' || event === 'diff')) {
      model.setCells(cellsOf(p))
      if (typeof p.tick === 'number') model.update({ status: { tick: Math.max(p.tick, model.status.tick) } })
    } else if (topic === 'world:main' && (event === 'presence_state' || event === 'presence_diff')) {
      this.applyPresence(event, p)
    } else if (event === 'player' && p.player) {
      const me = toPlayerView({ ...p.player, online: true }, 0)
      if (me) {
        model.update({
          players: [...model.players.filter((x) => x.id !== me.id), { ...me, index: model.players.find((x) => x.id === me.id)?.index ?? me.index }],
          inventory: toInventory(p.player.inventory),
        })
      }
    } else if (event === 'action_result' && p.ok === false && p.ref == null) {
      // Results of actions sent by another transport of this session (mailbox).
      model.say(`action rejected: ${p.reason ?? p.code}`, true)
    }
  }

  private applyPresence(event: string, p: any): void {
    const { model } = this.opts
    const byId = new Map(model.players.map((x) => [x.id, x]))
    const joins = event === 'presence_state' ? p : p.joins ?? {}
    const leaves = event === 'presence_state' ? {} : p.leaves ?? {}
    if (event === 'presence_state') for (const x of byId.values()) if (x.id !== model.meId) x.online = false
    for (const [id, v] of Object.entries<any>(joins)) {
      if (id === 'seq') continue
      const meta = v?.metas?.[0] ?? {}
      const old = byId.get(id)
      byId.set(id, { id, index: old?.index ?? 0, name: meta.name ?? old?.name ?? id, position: old?.position ?? 0, online: true })
    }
    for (const id of Object.keys(leaves)) {
      const old = byId.get(id)
      if (old && id !== model.meId) byId.set(id, { ...old, online: false })
    }
    model.update({ players: [...byId.values()] })
  }

  /** Periodic work: latency ping, ack, REST poll of world status and players. */
  private tickTimers(): void {
    if (this.closed || !this.socket) return
    const { model } = this.opts
    this.socket.ping((ms) => model.update({ status: { latencyMs: ms } }))
    if (this.channel && this.lastSeq > this.ackedSeq && this.joined) {
      const seq = this.lastSeq
      this.channel.push('ack', { seq }).receive('ok', () => { this.ackedSeq = Math.max(this.ackedSeq, seq) })
    }
    void this.pollRest()
  }

  private async pollRest(): Promise<void> {
    const part = await pollRest(this.ep.http, this.opts.model)
    if (!this.closed) this.opts.model.update(part)
  }

  /** Makes sure the chunks covering `view` are watched (subscribes the missing ones). */
  watch(view: LocalView, chunkOf: (cell: number) => number): void {
    const need = new Set<number>()
    for (let r = 0; r < view.rows; r += 1) for (let c = 0; c < view.cols; c += 1) {
      const id = view.at(r, c)
      if (id >= 0) need.add(chunkOf(id))
    }
    this.wantChunks = [...need]
    const missing = this.wantChunks.filter((c) => !this.watched.has(c))
    if (missing.length && this.joined) this.subscribe(missing)
    // Walking far leaves a trail of watched chunks: drop those well out of view
    // (the server keeps the player's own area of interest regardless).
    if (this.watched.size > need.size + 16 && this.channel && this.joined) {
      const stale = [...this.watched].filter((c) => !need.has(c))
      for (const c of stale) this.watched.delete(c)
      this.channel.push('unsubscribe', { chunks: stale })
      for (const id of [...this.opts.model.cells.keys()]) if (!need.has(chunkOf(id))) this.opts.model.cells.delete(id)
    }
  }

  private subscribe(chunks: number[]): void {
    if (!this.channel) return
    for (const c of chunks) this.watched.add(c)
    this.channel.push('subscribe', { chunks })
      .receive('ok', (r: any) => { if (Array.isArray(r?.chunks)) for (const c of r.chunks) this.watched.add(c) })
      .receive('error', (r: any) => { for (const c of chunks) this.watched.delete(c); this.opts.model.say(`subscribe failed: ${r?.reason ?? r?.code}`, true) })
      .receive('timeout', () => { for (const c of chunks) this.watched.delete(c) })
  }

  /** Sends one action; resolves with the engine's result (never rejects on a refusal). */
  send(action: ActionInput): Promise<ActionResult> {
    return new Promise((resolve) => {
      if (!this.channel) return resolve({ ok: false, code: 'HEXD_NOT_CONNECTED', reason: 'not connected yet' })
      this.channel.push('action', action)
        .receive('ok', (r: any) => resolve({ ok: true, tick: r?.tick }))
        .receive('error', (r: any) => {
          const first = Array.isArray(r?.results) ? r.results.find((x: any) => x && x.ok === false) : undefined
          resolve({ ok: false, code: first?.code ?? r?.code ?? 'error', reason: first?.reason ?? r?.reason ?? 'rejected' })
        })
        .receive('timeout', () => resolve({ ok: false, code: 'HEXD_TIMEOUT', reason: 'no answer from the daemon (is it still running?)' }))
    })
  }

  /** Leaves and disconnects; stops every timer. */
  async close(): Promise<void> {
    this.closed = true
    for (const t of this.timers) clearInterval(t)
    this.timers = []
    const s = this.socket
    if (!s) return
    await new Promise<void>((resolve) => {
      const done = setTimeout(resolve, 500)
      s.disconnect(() => { clearTimeout(done); resolve() }, 1000, 'bye')
    })
    this.opts.model.update({ status: { conn: 'offline' } })
  }
}
