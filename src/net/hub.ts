/**
 * The net layer's shared context: the game facade, the session registry,
 * presence, metrics, limits and the logger. Every transport gets one hub; it
 * holds no transport-specific state. `submit` is the one way actions enter
 * the world from any transport: shape check, batch and rate limits, then the
 * game's ordered queue; each outcome is also appended to the session's outbox
 * as an `action_result` once the tick's journal commit is done.
 *
 * @example
 * const hub = createHub({ game, log })
 * const { tick, results } = hub.submit(session, { type: 'claim', cell: 12 }, { ref: '7' })
 */
import type { Logger } from 'pino'
import { HexdError } from '../errors.ts'
import { MacrotaskBatch } from './batch.ts'
import { Metrics, type Counter, type Histogram } from './metrics.ts'
import { PresenceTracker } from './presence.ts'
import { actionResultJson } from './results.ts'
import { SessionRegistry, type Session } from './sessions.ts'
import type { ActionOutcome, Game, TokenStore } from './types.ts'

export interface Limits {
  /** Max actions in one batch. Default 64. */
  maxBatch: number
  /** Max actions one session may queue for one tick. Default 64. */
  maxPerTick: number
  /** Max HTTP body / WebSocket frame bytes. Default 65536. */
  maxBytes: number
  /** Longest mailbox `wait` / poll `timeout`, seconds. Default 30 (poll: 60). */
  maxWaitS: number
  /** Phoenix long-poll window, ms. Default 10000. */
  longpollWindowMs: number
  /**
   * Most actions waiting for the next tick, all sessions together. Past it new actions are shed
   * (HEXD_RATE_LIMITED) so an overload cannot grow each tick (and the next queue) without bound.
   * Default 4096.
   */
  maxQueue: number
}

export const DEFAULT_LIMITS: Limits = { maxBatch: 64, maxPerTick: 64, maxBytes: 65536, maxWaitS: 30, longpollWindowMs: 10_000, maxQueue: 4096 }

export interface NetMetrics {
  registry: Metrics
  actions: Counter
  frames: Counter
  httpRequests: Counter
  tickSeconds: Histogram
}

export interface Hub {
  game: Game
  sessions: SessionRegistry
  presence: PresenceTracker
  metrics: NetMetrics
  log: Logger
  limits: Limits
  /**
   * Validates and queues `body` (an action, an array, or {actions:[...]}) for `session`; throws a
   * HexdError (nothing queued) when it is refused. Each outcome is appended to the session's
   * outbox as an `action_result` before `results` resolves.
   */
  submit(session: Session, body: unknown, tag: { ref?: string; key?: string }): { tick: number; count: number; results: Promise<ActionOutcome[]> }
  /** Like `submit`, with a callback (outcomes, or null and the error) instead of a promise: the WebSocket hot path. */
  submitThen(session: Session, body: unknown, tag: { ref?: string; key?: string }, done: (outs: ActionOutcome[] | null, err?: unknown, outsJson?: string[], tick?: number) => void): { tick: number; count: number }
  /** Set by the daemon while shutting down: new sessions and actions are refused. */
  draining: boolean
  /**
   * Least time between two outbox deliveries to one live Phoenix connection, ms. 0 = deliver at
   * once (tick rate). The daemon raises it while ticks start late (the server is saturated) so
   * diffs coalesce per session instead of the tick rate collapsing; replies are never paced.
   */
  pacingMs: number
  /** Set by the daemon: a session's explicit subscriptions changed (recompute what it watches). */
  onWatchChange?: (s: Session) => void
  /** Per-connection work (outbox delivery, socket uncork) run once per burst for all connections. */
  batch: MacrotaskBatch
}

export interface HubOptions {
  game: Game
  log: Logger
  limits?: Partial<Limits>
  metrics?: Metrics
  sessionTtlMs?: number
  retain?: number
  coalesceLimit?: number
  onSessionCreate?: (s: Session) => void
  onSessionClose?: (s: Session) => void
  /** Token hashes kept across restarts (the store); default none: a token dies with its session. */
  tokens?: TokenStore
}

/** Turns a request body into a list of actions, or throws HEXD_BAD_REQUEST naming what is wrong. */
export function actionList(body: unknown): Record<string, unknown>[] {
  const list = Array.isArray(body) ? body
    : body && typeof body === 'object' && Array.isArray((body as { actions?: unknown }).actions) ? (body as { actions: unknown[] }).actions
    : body && typeof body === 'object' && typeof (body as { type?: unknown }).type === 'string' ? [body]
    : null
  if (!list) throw new HexdError('HEXD_BAD_REQUEST', 'expected an action object with "type", an array of actions, or {"actions": [...]}', { field: 'actions' })
  return list as Record<string, unknown>[]
}

/**
 * A HexdError without a stack trace, for refusals that come by the thousand exactly when the
 * server is saturated (shedding): capturing a stack for each was 4 % of the daemon's time under
 * overload, making the overload worse. The error answers a client; no one reads its stack.
 */
function stackless(code: 'HEXD_RATE_LIMITED', message: string, field: string): HexdError {
  const limit = Error.stackTraceLimit
  Error.stackTraceLimit = 0
  try { return new HexdError(code, message, { field }) } finally { Error.stackTraceLimit = limit }
}

export function createHub(opts: HubOptions): Hub {
  const registry = opts.metrics ?? new Metrics()
  const given = Object.fromEntries(Object.entries(opts.limits ?? {}).filter(([, v]) => v !== undefined))
  const limits: Limits = { ...DEFAULT_LIMITS, ...given }
  const metrics: NetMetrics = {
    registry,
    actions: registry.counter('hexd_actions_total', 'Actions by outcome (queued, accepted, rejected, invalid, rate_limited, shed)'),
    frames: registry.counter('hexd_frames_total', 'Phoenix frames received, by transport and outcome'),
    httpRequests: registry.counter('hexd_http_requests_total', 'HTTP requests by route and status'),
    tickSeconds: registry.histogram('hexd_tick_duration_seconds', 'Time to run one tick (step + broadcast)', [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1]),
  }
  let presence: PresenceTracker
  const sessions = new SessionRegistry({
    game: opts.game, ttlMs: opts.sessionTtlMs, retain: opts.retain, coalesceLimit: opts.coalesceLimit, tokens: opts.tokens,
    onCreate: opts.onSessionCreate,
    onClose: opts.onSessionClose,
  })
  const batch = new MacrotaskBatch((err) => opts.log.error({ err: String(err), stack: (err as Error)?.stack }, 'deferred delivery failed'))
  // One presence diff per burst (a tick's joins and leaves together), serialized once for every session.
  presence = new PresenceTracker((diff) => {
    const json = JSON.stringify(diff)
    for (const s of sessions.all()) s.outbox.pushJson('world:main', 'presence_diff', json)
  }, (flush) => batch.add(flush))
  registry.gauge('hexd_sessions', 'Sessions by attached transport', () => Object.entries(presence.byTransport()).map(([t, n]) => [{ transport: t }, n]))
  registry.gauge('hexd_sessions_total', 'Sessions alive (attached or not)', () => sessions.size)
  registry.gauge('hexd_session_lag_messages', 'Outbox lag (messages held: head seq - acked seq), max and sum over sessions', () => {
    let max = 0, sum = 0
    for (const s of sessions.all()) { const p = s.outbox.pending; sum += p; if (p > max) max = p }
    return [[{ stat: 'max' }, max], [{ stat: 'sum' }, sum]]
  })

  const queuedN = metrics.actions.series({ outcome: 'queued' })
  const acceptedN = metrics.actions.series({ outcome: 'accepted' })
  const rejectedN = metrics.actions.series({ outcome: 'rejected' })
  const submitThen: Hub['submitThen'] = (session, body, tag, done) => {
    if (hub.draining) throw new HexdError('HEXD_UNAVAILABLE', 'the server is shutting down', {})
    const list = actionList(body)
    if (list.length === 0) throw new HexdError('HEXD_BAD_REQUEST', 'the action list is empty', { field: 'actions' })
    if (list.length > limits.maxBatch) {
      throw new HexdError('HEXD_TOO_LARGE', `a batch holds at most ${limits.maxBatch} actions, got ${list.length}`, { field: 'actions' })
    }
    for (let i = 0; i < list.length; i++) {
      const err = opts.game.checkAction(list[i], list.length > 1 ? i : undefined)
      if (err) { metrics.actions.inc({ outcome: 'invalid' }); throw err }
    }
    if (opts.game.queued + list.length > limits.maxQueue) {
      metrics.actions.inc({ outcome: 'shed' }, list.length)
      throw stackless('HEXD_RATE_LIMITED', `the server is busy (${opts.game.queued} actions wait for the next tick); retry shortly`, 'actions')
    }
    const next = opts.game.tick + 1
    const used = session.rateTick === next ? session.rateN : 0
    if (used + list.length > limits.maxPerTick) {
      metrics.actions.inc({ outcome: 'rate_limited' }, list.length)
      throw stackless('HEXD_RATE_LIMITED', `at most ${limits.maxPerTick} actions per session per tick (already ${used} queued for tick ${next})`, 'actions')
    }
    session.rateTick = next
    session.rateN = used + list.length
    const many = list.length > 1
    const tick = opts.game.submitThen(session.who, list, (outs, err) => {
      if (!outs) return done(null, err)
      let ok = 0
      // Each outcome serialized once: the action_result and the reply (outsJson) both carry it.
      const outsJson: string[] = new Array(outs.length)
      for (let i = 0; i < outs.length; i++) {
        const o = outs[i]
        if (o.ok) ok++
        const oj = (outsJson[i] = JSON.stringify(o))
        session.outbox.pushJson(session.playerTopic, 'action_result', actionResultJson(o, oj, tick, tag, many ? i : undefined))
      }
      // One metric update per outcome kind, not per action.
      if (ok) acceptedN.inc(ok)
      if (ok < outs.length) rejectedN.inc(outs.length - ok)
      done(outs, undefined, outsJson, tick)
    })
    queuedN.inc(list.length)
    return { tick, count: list.length }
  }
  const hub: Hub = {
    game: opts.game, sessions, presence, metrics, log: opts.log, limits, draining: false, pacingMs: 0,
    batch,
    submitThen,
    submit(session, body, tag) {
      let done!: (outs: ActionOutcome[] | null, err?: unknown) => void
      const results = new Promise<ActionOutcome[]>((res, rej) => { done = (outs, err) => (outs ? res(outs) : rej(err)) })
      const { tick, count } = submitThen(session, body, tag, done)
      return { tick, count, results }
    },
  }
  return hub
}
