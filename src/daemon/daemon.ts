/**
 * `hexd serve` composed: the engine world, the ordered action router, the
 * journal, the tick loop, the broadcaster and the net server. One tick, in the
 * order of docs/CONTRACTS.md "The daemon's data path":
 *   1. drain the router's queue  2. world.step(actions)
 *   3. journal.commit(tick, accepted) — in flight, ordered; replies, diffs and
 *      action results are released only when it resolves
 *   4. tick listeners (bus, ZeroMQ, analytics) get the TickEvent.
 * Plug-in points: `journal` (the store's durable ActionJournal) and
 * `listeners` / `addListener` (TickListener). Defaults: in-memory journal, js compute.
 *
 * @example
 * const d = await startDaemon({ ...DEFAULTS, compute: 'js', port: 0, size: 16 }) // native compute: use composeDaemon (compose.ts)
 * d.url // 'http://127.0.0.1:41234'
 * await d.close()
 */
import pino, { type Logger } from 'pino'
import { HexdError } from '../errors.ts'
import { createHub, type Hub } from '../net/hub.ts'
import type { Session } from '../net/sessions.ts'
import { startNetServer, type NetServer } from '../net/server.ts'
import type { SocketWriterMode } from '../net/socket-writer.ts'
import type { ActionOutcome, PlayerView, TokenStore } from '../net/types.ts'
import { Broadcaster } from './broadcast.ts'
import type { ServeConfig } from './config.ts'
import { EngineGame } from './game.ts'
import { MemoryJournal, type ActionJournal, type JournalAction } from './journal.ts'
import { Router } from './router.ts'
import type { World } from '../engine/index.ts'
import { TickLoop } from './tick-loop.ts'
import { TickTrace } from './tick-trace.ts'
import { QuietGc } from './quiet-gc.ts'
import { applyOldGeneration, type PretenuringMode } from './old-generation.ts'
import { startMessaging, type Messaging } from './zmq.ts'
import type { OffsetStore } from '../bus/types.ts'
import type { EventLog } from '../bus/log.ts'

/** What tick listeners receive once per tick (after the world stepped; the commit may be in flight). */
export interface TickEvent {
  tick: number
  hash: string
  /** The actions the world accepted this tick, in applied order. */
  accepted: JournalAction[]
  /** Every action applied this tick with its outcome. */
  applied: Array<{ action: JournalAction; outcome: ActionOutcome }>
  changedChunks: number[]
  /** Resolves when this tick's journal commit is durable. */
  committed: Promise<void>
  durationMs: number
}
export interface TickListener { onTick(ev: TickEvent): void }

export interface DaemonOptions extends ServeConfig {
  journal?: ActionJournal
  /** The world to serve (e.g. recovered by src/store); default: a fresh one from seed and size. */
  world?: World
  /** Event-log consumer offsets (default in memory; the store's SqlOffsetStore persists them). */
  offsets?: OffsetStore
  /** Session token hashes kept across restarts (the store), so a token opens its player again. */
  tokens?: TokenStore
  /** Keep the embedded event log durable in this directory (default: in memory). */
  logDir?: string
  /** A consumer of the event log to attach (the store's persistence writer), detached at close. */
  attachLog?: (log: EventLog) => Promise<{ detach: () => Promise<void> }>
  listeners?: TickListener[]
  log?: Logger
  /** Do not start the tick loop (tests drive `tickOnce`). Default false. */
  manualTicks?: boolean
  /** Outbox coalescing limit and retention (defaults in src/net/outbox.ts). */
  coalesceLimit?: number
  retain?: number
}

export interface Daemon {
  url: string
  port: number
  hub: Hub
  game: EngineGame
  router: Router
  loop: TickLoop
  journal: ActionJournal
  addListener(l: TickListener): void
  /** Runs one tick now (what the loop calls). */
  tickOnce(): Promise<void>
  /** Stops accepting, finishes the running tick, flushes the journal, closes clients. Idempotent. */
  close(): Promise<void>
}

export async function startDaemon(opts: DaemonOptions): Promise<Daemon> {
  const log = opts.log ?? pino({ name: 'hexd' }, pino.destination(2))
  if (opts.compute !== 'js' && !opts.world) {
    throw new HexdError('HEXD_BAD_OPTION', `--compute ${opts.compute} needs a world built on the native backend (pass \`world\`; src/daemon/run.ts does)`, { field: 'compute' })
  }
  const journal = opts.journal ?? new MemoryJournal()
  const durability = journal.durability ?? 'durable'
  if (durability === 'memory') log.warn({ durability }, 'journal is in memory: accepted actions are not durable across restarts')
  const router = new Router(journal)
  const listeners: TickListener[] = [...(opts.listeners ?? [])]
  let loop!: TickLoop
  const game = new EngineGame({ seed: opts.seed, size: opts.size, router, durability, ups: () => loop.measuredUps, targetUps: opts.ups, world: opts.world })
  const broadcaster = new Broadcaster({ aoi: (p) => game.areaOfInterest(p), diff: (c) => game.chunkDiff(c), snapshot: (ids) => game.snapshot(ids) })
  // Player id -> its sessions, to send each player its own record after its actions applied.
  const sessionsOf = new Map<string, Set<Session>>()
  const hub = createHub({
    game, log,
    limits: { maxBytes: opts.maxBytes, longpollWindowMs: opts.longpollWindowMs },
    sessionTtlMs: opts.sessionTtl * 1000, coalesceLimit: opts.coalesceLimit, retain: opts.retain, tokens: opts.tokens,
    onSessionCreate: (s) => {
      broadcaster.add(s)
      let set = sessionsOf.get(s.player.id)
      if (!set) sessionsOf.set(s.player.id, (set = new Set()))
      set.add(s)
    },
    onSessionClose: (s) => {
      broadcaster.remove(s)
      sessionsOf.get(s.player.id)?.delete(s)
      // The player goes offline; its structures keep running.
      router.enqueue(null, [{ type: 'leave', player: s.player.id }], game.tick).results.catch(() => {})
    },
  })
  hub.onWatchChange = (s) => broadcaster.rewatch(s)
  // Messaging (src/daemon/zmq.ts): event log + analytics + ZeroMQ REP/PUB; 'none' disables a socket.
  const zmqEndpoint = (v: string | undefined) => (v === undefined || v === 'none' ? null : v)
  const messaging: Messaging = await startMessaging({
    hub, diff: (c) => game.chunkDiff(c), log, bus: opts.bus, maxBytes: opts.maxBytes, offsets: opts.offsets, logDir: opts.logDir, attachLog: opts.attachLog,
    ownerId: (i) => game.world.playerList()[i - 1]?.id,
    zmqRep: zmqEndpoint(opts.zmqRep), zmqPub: zmqEndpoint(opts.zmqPub),
  })
  listeners.push(messaging.listener)
  const m = hub.metrics.registry
  const upsGauge = m.gauge('hexd_ups', 'Measured updates (ticks) per second', () => loop.measuredUps)
  m.gauge('hexd_ups_target', 'Configured updates per second', () => opts.ups)
  m.gauge('hexd_tick', 'Current tick', () => game.tick)
  m.gauge('hexd_action_queue', 'Actions waiting for the next tick', () => router.queued)
  m.gauge('hexd_journal_commits_in_flight', 'Journal commits not yet resolved', () => router.inFlight)
  m.gauge('hexd_ticks_skipped_total', 'Ticks dropped because the loop fell behind', () => loop.skipped)
  void upsGauge

  let lastCommitError: string | null = null
  // Delivery pacing: while ticks start late (the process is saturated), deliver to each live
  // connection less often, so its diffs coalesce and the tick rate holds; relax when on time.
  const period = 1000 / opts.ups
  let lateAvg = 0
  const adaptPacing = () => {
    lateAvg = lateAvg * 0.8 + loop.lateMs * 0.2
    if (lateAvg > period * 0.25) hub.pacingMs = Math.min(2000, hub.pacingMs * 1.25 + period / 2)
    else if (lateAvg < period * 0.05 && hub.pacingMs > 0) hub.pacingMs = hub.pacingMs < period / 2 ? 0 : hub.pacingMs * 0.8
  }
  m.gauge('hexd_delivery_pacing_ms', 'Least interval between deliveries to one live connection (0 = every tick)', () => hub.pacingMs)
  // Where an action's wait after its tick starts goes (server side; `hexd bench net` reports them):
  // the tick's start against its schedule, then its commit, then the answers, written in arrival order.
  const fine = [0.0005, 0.001, 0.002, 0.003, 0.005, 0.0075, 0.01, 0.015, 0.02, 0.03, 0.05, 0.1, 0.25, 1]
  const lateH = m.histogram('hexd_tick_late_seconds', 'How late each tick started against its schedule', fine)
  const commitH = m.histogram('hexd_tick_commit_seconds', 'Tick start to its answers released: its journal commit resolved (a tick that accepted nothing waits only for earlier commits)', fine)
  const firstH = m.histogram('hexd_tick_first_answer_seconds', 'Tick start to the frames of its first submitter written', fine)
  const answeredH = m.histogram('hexd_tick_answered_seconds', 'Tick start to every submitter answered and every diff written', fine)
  const trace = opts.tickTrace ? TickTrace.open(opts.tickTrace) : null
  const v8Flags = applyOldGeneration({ pretenuring: opts.pretenuring as PretenuringMode, growthPercent: opts.oldGenGrowth })
  const { quietGc, reason: quietGcOff } = QuietGc.create(opts.quietGc)
  if (quietGcOff && opts.quietGc !== 0) log.warn(quietGcOff)
  const quietGcH = m.histogram('hexd_quiet_gc_seconds', 'Young-generation collections made at a tick\'s quiet point (--quiet-gc)', fine)
  const tickOnce = async (): Promise<void> => {
    const t0 = performance.now()
    const mark = trace?.begin(opts.manualTicks ? 0 : loop.lateMs)
    if (!opts.manualTicks) { adaptPacing(); lateH.observe(loop.lateMs / 1000) }
    const batch = router.drain()
    const step = await game.step(batch.actions)
    mark?.step()
    const outcomes = step.results
    const fan = broadcaster.prepare(step.tick, step.changedChunks)
    const movedPlayers = game.movedPlayers(batch.actions, outcomes)
    // Each player whose action applied gets its own record (position, inventory) on player:<id>,
    // as it is after this step (read now: the next step may change it before the commit resolves).
    const records = new Map<string, PlayerView>()
    for (let i = 0; i < batch.actions.length; i++) {
      const a = batch.actions[i]
      if (!outcomes[i]?.ok || a.type === 'join') continue
      const id = String(a.player)
      if (records.has(id)) continue
      const p = game.player(id)
      if (p) records.set(id, p)
    }
    const sendRecord = (id: string) => {
      const p = records.get(id)
      if (!p) return
      records.delete(id)
      const json = JSON.stringify({ tick: step.tick, player: p })
      for (const s of sessionsOf.get(id) ?? []) s.outbox.pushJson(s.playerTopic, 'player', json)
    }
    // Once the commit resolved (for a tick that accepted nothing: every earlier one; router.ts says
    // why that is enough), submitters are answered in arrival order and each one's frames of
    // this tick (reply, action_result, diff, player record) leave at once, in one write, before
    // the next submitter is served: the first replies go out right after the commit instead of
    // after a thousand replies were built (the last reply of a tick sets the latency's p99).
    // Then the diffs of sessions that sent nothing, moved players' new chunks and what is left.
    let answered = 0
    const { answered: released, durable } = router.settle(batch, step.tick, outcomes, step.hash, (who) => {
      if (answered++ === 0) commitH.observe((performance.now() - t0) / 1000)
      if (who) {
        const s = hub.sessions.find(who.sessionId)
        if (s) fan.to(s)
        sendRecord(who.playerId)
      }
      hub.batch.flush()
      if (answered === 1) { firstH.observe((performance.now() - t0) / 1000); mark?.first() }
    })
    released.then(() => {
      if (answered === 0) commitH.observe((performance.now() - t0) / 1000)
      fan.all()
      broadcaster.moved(movedPlayers)
      for (const id of [...records.keys()]) sendRecord(id)
      hub.batch.flush()
      answeredH.observe((performance.now() - t0) / 1000)
      if (mark) trace!.end(mark, step.tick, batch.actions.length, hub.pacingMs)
      // The tick's quiet point: everything answered and written (src/daemon/quiet-gc.ts).
      if (quietGc) { const ms = quietGc.atQuietPoint(); if (ms > 0) quietGcH.observe(ms / 1000) }
    }, () => { /* its submitters got the error; the failed commit is logged just below */ })
    durable.catch((err) => {
      lastCommitError = String(err)
      if (ev.accepted.length > 0) log.error({ err: String(err), tick: step.tick }, 'journal commit failed: actions of this tick were not confirmed')
      else log.error({ err: String(err), tick: step.tick }, 'journal commit failed: the journal head did not move to this tick (it accepted no action; its answers did not wait for it)')
    })
    const ev: TickEvent = {
      tick: step.tick, hash: step.hash, changedChunks: step.changedChunks, committed: durable.catch(() => {}),
      accepted: batch.actions.filter((_, i) => outcomes[i]?.ok),
      applied: batch.actions.map((action, i) => ({ action, outcome: outcomes[i] })),
      durationMs: 0,
    }
    for (const l of listeners) {
      try { l.onTick(ev) } catch (err) { log.error({ err: String(err) }, 'tick listener failed') }
    }
    ev.durationMs = performance.now() - t0
    hub.metrics.tickSeconds.observe(ev.durationMs / 1000)
  }

  loop = new TickLoop(opts.ups, tickOnce, { onError: (err) => log.error({ err: String(err), stack: (err as Error)?.stack }, 'tick failed') })
  let net: NetServer
  try {
    net = await startNetServer(hub, {
      host: opts.host, port: opts.port,
      health: () => ({ ups_target: opts.ups, measured_ups: loop.measuredUps, compute: opts.compute, journal_error: lastCommitError, ...messaging.health() }),
      routes: [messaging.routes],
      socketWriter: opts.socketWriter as SocketWriterMode,
    })
  } catch (err) {
    await messaging.close()
    const e = err as NodeJS.ErrnoException
    if (e.code === 'EADDRINUSE' || e.code === 'EACCES' || e.code === 'EADDRNOTAVAIL') {
      throw new HexdError('HEXD_BAD_OPTION', `cannot listen on ${opts.host}:${opts.port}: ${e.code}`, { field: 'port' })
    }
    throw err
  }
  if (!opts.manualTicks) loop.start()
  if (net.socketWriter.reason && opts.socketWriter !== 'inline') log.warn(net.socketWriter.reason)
  log.info({ url: net.url, port: net.port, ups: opts.ups, seed: opts.seed, size: opts.size, compute: opts.compute, durability, socket_writer: net.socketWriter.mode, quiet_gc: quietGc ? quietGc.percent : 'off', v8_flags: v8Flags, node_flags: process.execArgv }, 'listening')

  let closing: Promise<void> | null = null
  return {
    url: net.url, port: net.port, hub, game, router, loop, journal,
    addListener: (l) => { listeners.push(l) },
    tickOnce,
    close() {
      closing ??= (async () => {
        hub.draining = true
        await loop.stop()
        router.rejectQueued(new HexdError('HEXD_UNAVAILABLE', 'the server shut down before this action was applied', {}))
        await router.flush()
        await messaging.close()
        await net.close()
        await journal.close()
        await trace?.close()
        log.info({ tick: game.tick }, 'stopped')
      })()
      return closing
    },
  }
}
