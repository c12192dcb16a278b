/**
 * Recovery = the latest snapshot + replay of the journal after it. The world
 * is rebuilt by stepping every tick from the snapshot's tick to the journal
 * head with exactly the actions committed for that tick (ticks with none are
 * stepped with none), and the resulting hash must equal the hash recorded at
 * the head — else HEXD_RECOVERY_MISMATCH, because serving a world that
 * silently differs from what clients were acknowledged is worse than stopping.
 */
import { HexdError } from '../errors.ts'
import type { Sql } from './db.ts'
import { readHead, type JournalAction } from './journal.ts'
import { log } from './log.ts'

/** What recovery needs from a world (the engine's World satisfies it through an adapter). */
export interface ReplayWorld {
  readonly tick: number
  step(actions: JournalAction[]): { tick: number; hash: string }
  hash(): string
}

export interface RecoveryHooks<W extends ReplayWorld> {
  /** A new world at tick 0 (no snapshot stored yet). */
  fresh(): W
  /** The world stored in a snapshot (its tick must be the snapshot's). */
  restore(data: Uint8Array, format: number): W
}

export interface RecoveryReport {
  snapshotTick: number | null
  headTick: number
  hash: string
  replayedTicks: number
  replayedActions: number
  ms: number
  /** Where the time went: reading + restoring the snapshot, reading the log, replaying it. */
  phases: { snapshotMs: number; logMs: number; replayMs: number }
}

/** The newest snapshot at or before `maxTick`, or undefined. */
export async function latestSnapshot(sql: Sql, maxTick = Number.MAX_SAFE_INTEGER): Promise<{ tick: number; hash: string; format: number; data: Uint8Array } | undefined> {
  return (await sql.query<{ tick: number; hash: string; format: number; data: Uint8Array }>(
    'SELECT tick, hash, format, data FROM snapshots WHERE tick <= $1 ORDER BY tick DESC, id DESC LIMIT 1', [maxTick]))[0]
}

/** The committed actions of ticks in (after, upto], grouped by tick, in commit order. */
export async function actionsBetween(sql: Sql, after: number, upto: number): Promise<Map<number, JournalAction[]>> {
  // journal_actions (migration 0003) spreads each tick's row into its actions, in order.
  const rows = await sql.query<{ tick: number; payload: JournalAction }>('SELECT tick, payload FROM journal_actions WHERE tick > $1 AND tick <= $2 ORDER BY seq, ord', [after, upto])
  const out = new Map<number, JournalAction[]>()
  for (const r of rows) {
    const list = out.get(r.tick)
    if (list) list.push(r.payload); else out.set(r.tick, [r.payload])
  }
  return out
}

/**
 * Rebuilds the world at the journal head and checks its hash.
 *
 * @example
 * const { world, report } = await recover(db, { fresh: () => createWorld(meta), restore: (b) => restoreWorld(b) })
 */
export async function recover<W extends ReplayWorld>(sql: Sql, hooks: RecoveryHooks<W>): Promise<{ world: W; report: RecoveryReport }> {
  const t0 = performance.now()
  const head = await readHead(sql)
  const headTick = head?.tick ?? 0
  const snap = await latestSnapshot(sql, headTick)
  const world = snap ? hooks.restore(snap.data, snap.format) : hooks.fresh()
  const t1 = performance.now()
  const from = snap?.tick ?? 0
  if (world.tick !== from) throw new HexdError('HEXD_RECOVERY_MISMATCH', `the snapshot of tick ${from} restored a world at tick ${world.tick}`)
  if (snap && snap.hash && world.hash() !== snap.hash) {
    throw new HexdError('HEXD_RECOVERY_MISMATCH', `the snapshot of tick ${from} restored hash ${world.hash()}, but ${snap.hash} was recorded`)
  }
  const byTick = await actionsBetween(sql, from, headTick)
  const t2 = performance.now()
  let replayedActions = 0
  for (let t = from + 1; t <= headTick; t++) {
    const actions = byTick.get(t) ?? []
    replayedActions += actions.length
    const r = world.step(actions)
    if (r.tick !== t) throw new HexdError('HEXD_RECOVERY_MISMATCH', `replay expected tick ${t} but the world stepped to ${r.tick}`)
  }
  const hash = world.hash()
  if (head && head.hash && hash !== head.hash) {
    throw new HexdError('HEXD_RECOVERY_MISMATCH', `replaying ticks ${from + 1}..${headTick} gave hash ${hash}, but ${head.hash} was committed at tick ${headTick}`, { details: { tick: headTick, expected: head.hash, got: hash } })
  }
  const report: RecoveryReport = { snapshotTick: snap?.tick ?? null, headTick, hash, replayedTicks: headTick - from, replayedActions, ms: Math.round(performance.now() - t0),
    phases: { snapshotMs: Math.round(t1 - t0), logMs: Math.round(t2 - t1), replayMs: Math.round(performance.now() - t2) } }
  log.info(report, 'recovered the world (snapshot + replay)')
  return { world, report }
}
