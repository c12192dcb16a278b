/**
 * Sessions: one per player connection, independent of transport. A session has
 * a 128-bit id, a secret token, the player it plays as, the chunks it watches,
 * and one {@link Outbox}. The registry creates, authenticates and expires them
 * (a session with nothing attached and nothing read for `ttlMs` is dropped;
 * the player's structures stay in the world).
 *
 * @example
 * const reg = new SessionRegistry({ game })
 * const s = await reg.create('alice')        // { id, token, player, outbox, ... }
 * reg.authenticate(s.id, 'Bearer ' + s.token) // => s, or throws HEXD_UNAUTHORIZED/FORBIDDEN/NOT_FOUND
 */
import { HexdError } from '../errors.ts'
import { isSessionId, newSessionId, newToken, sameSecret, tokenHash } from './ids.ts'
import { Outbox } from './outbox.ts'
import type { Game, PlayerView, Submitter, TokenStore } from './types.ts'

export class Session {
  readonly id: string
  readonly token: string
  readonly player: PlayerView
  readonly outbox: Outbox
  /** Explicit subscriptions beyond the player's area of interest. */
  readonly extra = new Set<number>()
  /** Chunks watched now (area of interest + extra); kept by the daemon's broadcaster. */
  watched = new Set<number>()
  /** Number of transports attached right now (for presence and expiry). */
  attached = 0
  lastSeen = Date.now()
  closed = false
  /** Who submits this session's actions (one object, not one per action). */
  readonly who: Submitter
  /** The per-player topic. */
  readonly playerTopic: string
  /** Actions queued for tick `rateTick` (the per-session, per-tick limit; kept here, not in a map). */
  rateTick = -1
  rateN = 0

  constructor(id: string, token: string, player: PlayerView, game: Game, opts: { retain?: number; coalesceLimit?: number }) {
    this.id = id
    this.token = token
    this.player = player
    this.who = { sessionId: id, playerId: player.id }
    this.playerTopic = `player:${player.id}`
    this.outbox = new Outbox({
      snapshot: (ids) => game.snapshot(ids),
      watched: () => [...this.watched],
      retain: opts.retain,
      coalesceLimit: opts.coalesceLimit,
    })
  }
}

export interface RegistryOptions {
  game: Game
  /** Drop a detached session after this long without reads. Default 1 h. */
  ttlMs?: number
  retain?: number
  coalesceLimit?: number
  /** Keeps token hashes so a token opens its player again after a restart (default: none). */
  tokens?: TokenStore
  /** Called with every new session (the daemon subscribes it to its area of interest). */
  onCreate?: (s: Session) => void
  /** Called when a session ends. */
  onClose?: (s: Session) => void
}

export class SessionRegistry {
  private readonly byId = new Map<string, Session>()
  constructor(private readonly opts: RegistryOptions) {}

  get size(): number { return this.byId.size }
  all(): IterableIterator<Session> { return this.byId.values() }

  /** Creates a session with a new player named `name` (waits for the engine to add it). */
  async create(name: string): Promise<Session> {
    const player = await this.opts.game.createPlayer(name)
    const token = newToken()
    // Durable before the client sees the token: it must open this player after a restart too.
    await this.opts.tokens?.remember(player.id, tokenHash(token))
    return this.add(new Session(newSessionId(), token, player, this.opts.game, this.opts))
  }

  /**
   * A session for the player `token` opens: the live session holding it, else (e.g. after a
   * restart) a new session with the same token for the player the token store knows, brought
   * back online. Unknown token → HEXD_UNAUTHORIZED.
   */
  async resume(token: string): Promise<Session> {
    for (const s of this.byId.values()) if (sameSecret(s.token, token)) { s.lastSeen = Date.now(); return s }
    const playerId = await this.opts.tokens?.lookup(tokenHash(token))
    if (playerId === undefined || !this.opts.game.rejoinPlayer) throw new HexdError('HEXD_UNAUTHORIZED', 'this token opens no player on this server', { field: 'token' })
    const player = await this.opts.game.rejoinPlayer(playerId)
    return this.add(new Session(newSessionId(), token, player, this.opts.game, this.opts))
  }

  private add(s: Session): Session {
    this.byId.set(s.id, s)
    this.opts.onCreate?.(s)
    return s
  }

  /** The live session `id`, or undefined. */
  find(id: string): Session | undefined { return this.byId.get(id) }

  /** The session `id`, or a HEXD_NOT_FOUND error naming it. */
  get(id: unknown): Session {
    const s = isSessionId(id) ? this.byId.get(id) : undefined
    if (!s) throw new HexdError('HEXD_NOT_FOUND', `no session ${JSON.stringify(id)}`, { field: 'session' })
    return s
  }

  /**
   * Checks that `secret` (a bare token or an `Authorization: Bearer` header value) opens session
   * `id`. Wrong or missing token → HEXD_UNAUTHORIZED; a token that opens a *different* session →
   * HEXD_FORBIDDEN (it is someone else's mailbox); unknown id → HEXD_NOT_FOUND.
   */
  authenticate(id: unknown, secret: unknown): Session {
    const token = typeof secret === 'string' ? secret.replace(/^Bearer\s+/i, '').trim() : undefined
    if (!token) throw new HexdError('HEXD_UNAUTHORIZED', 'missing token: send "Authorization: Bearer <token>"', { field: 'token' })
    const s = this.get(id)
    if (sameSecret(s.token, token)) {
      s.lastSeen = Date.now()
      return s
    }
    for (const other of this.byId.values()) {
      if (other !== s && sameSecret(other.token, token)) {
        throw new HexdError('HEXD_FORBIDDEN', `session ${s.id} is not yours: your token opens session ${other.id}`, { field: 'session' })
      }
    }
    throw new HexdError('HEXD_UNAUTHORIZED', `wrong token for session ${s.id}`, { field: 'token' })
  }

  /** Ends a session now. */
  close(s: Session): void {
    if (s.closed) return
    s.closed = true
    this.byId.delete(s.id)
    this.opts.onClose?.(s)
  }

  /** Drops detached sessions idle for longer than the ttl. Returns how many. */
  sweep(now = Date.now()): number {
    const ttl = this.opts.ttlMs ?? 3_600_000
    let n = 0
    for (const s of [...this.byId.values()]) {
      if (s.attached === 0 && now - s.lastSeen > ttl) { this.close(s); n++ }
    }
    return n
  }
}
