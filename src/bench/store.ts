/**
 * `hexd bench store`: persistence figures, each with its baseline measured in
 * the same run, on PGlite and (given a database URL) Postgres:
 *  - cache read latency p50/p99 (DirtyCache.get vs a bare Map.get);
 *  - flush rows/s of chunk rows (~2.3 KB each, format v2) and of small player
 *    rows (~150 bytes): each batched way vs row by row, medians of interleaved
 *    rounds (store-flush.ts; goal batched >= 20x the autocommit baseline);
 *  - tick time p99 with persistence on (journal commit per tick, write-behind
 *    flusher, snapshots off) vs off (goal within 5 %);
 *  - restart time of a 1M-cell world (n = 316) whose journal holds 10k
 *    actions after its latest snapshot (goal <= 3 s);
 *  - the chunk memory budget: tick time and parked bytes with a 4-chunk
 *    budget vs the default, in lockstep, hashes equal (store-budget.ts).
 */
import { budgetRun } from './store-budget.ts'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir, loadavg } from 'node:os'
import { join } from 'node:path'
import { randomBytes } from 'node:crypto'
import { World, neighbors } from '../engine/index.ts'
import { factory } from '../engine/scenarios/factory.ts'
import { DirtyCache } from '../store/cache.ts'
import { openPGlite } from '../store/pglite.ts'
import { openPg } from '../store/pg.ts'
import { migrate } from '../store/migrate.ts'
import { withDb } from '../store/branches.ts'
import { flushRates, flushSmallRates } from './store-flush.ts'
import { Persistence } from '../store/persistence.ts'
import type { Db } from '../store/db.ts'
import type { JournalAction } from '../store/journal.ts'

export interface StoreBenchOptions {
  rows: number; ticks: number; events: number; restartSize: number; databaseUrl?: string
  /** Rounds of each flush way (the median is reported; default 3). */
  rounds?: number
  /** Parts to run (default all): cache, flush, tick, restart, budget. */
  only?: string[]
}

/** The parts of `hexd bench store`, in the order they run. */
export const STORE_BENCH_PARTS = ['cache', 'flush', 'tick', 'restart', 'budget'] as const

const pct = (xs: number[], p: number) => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] }
const r2 = (x: number) => Math.round(x * 100) / 100

/** Cache reads: ns per get, timed one by one (includes ~timer overhead, same for the baseline). */
export function cacheReads(n = 10_000, reads = 200_000): Record<string, number> {
  const cache = new DirtyCache<number, Uint8Array>({ budgetBytes: 1 << 30, sizeOf: (b) => b.length })
  const map = new Map<number, Uint8Array>()
  for (let i = 0; i < n; i++) { const b = new Uint8Array(64); cache.set(i, b); map.set(i, b) }
  const time = (get: (k: number) => unknown) => {
    const ns: number[] = []
    let sink = 0
    for (let i = 0; i < reads; i++) {
      const k = (i * 7919) % n
      const t0 = process.hrtime.bigint()
      if (get(k)) sink++
      ns.push(Number(process.hrtime.bigint() - t0))
    }
    return { ns, sink }
  }
  time((k) => cache.get(k)); time((k) => map.get(k)) // warm up
  const c = time((k) => cache.get(k)).ns, m = time((k) => map.get(k)).ns
  return { entries: n, reads, p50_ns: pct(c, 50), p99_ns: pct(c, 99), map_p50_ns: pct(m, 50), map_p99_ns: pct(m, 99), p99_ratio_to_map: r2(pct(c, 99) / pct(m, 99)) }
}

/** A deterministic workload: the factory chain, then players wandering and claiming. */
function workload(w: World, tick: number): JournalAction[] {
  if (tick === 1) return [...factory.setup(w) as JournalAction[], ...[0, 1, 2, 3].map((k) => ({ type: 'join', player: `p${k}`, name: `p${k}` }))]
  return [0, 1, 2, 3].flatMap((k) => {
    const p = w.player(`p${k}`)
    if (!p) return []
    const nb = neighbors(w.size, p.cell)
    return [{ type: tick % 2 ? 'claim' : 'move', player: p.id, cell: nb[(tick + k) % nb.length] }]
  })
}

/** Tick time p50/p99 with persistence on (target) vs off, same world and actions. */
export async function tickOverhead(target: { data: string; databaseUrl?: string }, ticks: number): Promise<Record<string, number>> {
  const size = 128
  // Both worlds step in lockstep, timed alternately, so machine noise hits both alike.
  const plain = new World({ seed: 5, size })
  const p = await Persistence.open({ ...target, seed: 5, size, snapshotEvery: 1e9, flushMs: 50 })
  const off: number[] = [], on: number[] = []
  const commits: Promise<void>[] = []
  try {
    for (let t = 1; t <= ticks; t++) {
      const a0 = workload(plain, t)
      let t0 = performance.now(); plain.step(a0); off.push(performance.now() - t0)
      const a = workload(p.world, t)
      t0 = performance.now()
      const r = p.world.step(a)
      const accepted = a.filter((_, i) => r.results[i]?.ok)
      p.onTick({ tick: r.tick, hash: r.hash, changedChunks: r.changedChunks, accepted })
      commits.push(p.commit(r.tick, accepted))
      on.push(performance.now() - t0)
      // Let the journal and the flusher run between ticks, as the tick loop does.
      await new Promise((r) => setTimeout(r, 1))
    }
    await Promise.all(commits)
    const flushes = p.stats().chunks.flusher.flushes
    if (p.world.hash() !== plain.hash()) throw new Error('tick bench: persistence changed the simulation')
    return { size, ticks, off_p50_ms: r2(pct(off, 50)), off_p99_ms: r2(pct(off, 99)), on_p50_ms: r2(pct(on, 50)), on_p99_ms: r2(pct(on, 99)), p99_ratio: r2(pct(on, 99) / pct(off, 99)), chunk_flushes: flushes }
  } finally { await p.close() }
}

/** Restart of a 1M-cell world with `events` journaled actions after its snapshot. */
export async function restartTime(target: { data: string; databaseUrl?: string }, size: number, events: number): Promise<Record<string, number | boolean>> {
  const players = 20
  const perTick = 50
  const p = await Persistence.open({ ...target, seed: 9, size, snapshotEvery: 1e9, flushMs: 60_000 })
  const cells = 10 * size * size + 2
  const joins = Array.from({ length: players }, (_, k) => ({ type: 'join', player: `r${k}`, name: `r${k}`, cell: 2 + Math.floor(((k + 0.5) * (cells - 2)) / players) }))
  const drive = async (actions: JournalAction[]) => {
    const r = p.world.step(actions)
    const accepted = actions.filter((_, i) => r.results[i]?.ok)
    p.onTick({ tick: r.tick, hash: r.hash, changedChunks: r.changedChunks, accepted })
    await p.commit(r.tick, accepted)
    return accepted.length
  }
  await drive(joins)
  p.takeSnapshot()
  // Each player claims outward from where it stands (each claim next to its territory).
  const order = joins.map((j) => { const seen = new Set([j.cell]); const q = [j.cell]; for (let i = 0; i < q.length && q.length < 2000; i++) for (const n of neighbors(size, q[i])) if (!seen.has(n)) { seen.add(n); q.push(n) } return q })
  let journaled = 0, k = 0
  while (journaled < events && k < 1900) {
    const batch = joins.flatMap((j, pi) => order[pi].slice(k, k + perTick).map((cell) => ({ type: 'claim', player: j.player, cell })))
    k += perTick
    journaled += await drive(batch)
  }
  const head = { tick: p.world.tick, hash: p.world.hash() }
  // Crash-like stop: no final snapshot, so the restart must replay.
  p.chunks.stop(); p.players.stop()
  await p.idle()
  await p.db.close()
  const t0 = performance.now()
  const again = await Persistence.open({ ...target, seed: 9, size, snapshotEvery: 1e9, flushMs: 60_000 })
  const ms = performance.now() - t0
  const ok = again.world.hash() === head.hash && again.world.tick === head.tick
  const rec = again.recovery
  again.chunks.stop(); again.players.stop()
  await again.db.close()
  return { cells, events: rec.replayedActions, replayed_ticks: rec.replayedTicks, restart_ms: Math.round(ms), recovery_ms: rec.ms, snapshot_ms: rec.phases.snapshotMs, log_ms: rec.phases.logMs, replay_ms: rec.phases.replayMs, hash_equal: ok }
}

async function backend(kind: 'pglite' | 'pg', o: StoreBenchOptions): Promise<Record<string, unknown>> {
  const dir = mkdtempSync(join(tmpdir(), 'hexd-bench-store-'))
  const dbs: string[] = []
  const fresh = async (): Promise<{ data: string; databaseUrl?: string }> => {
    if (kind === 'pglite') return { data: mkdtempSync(join(dir, 'w-')) }
    const name = `hexd_bench_${randomBytes(4).toString('hex')}`
    const admin = await openPg(withDb(o.databaseUrl!, 'postgres'))
    await admin.exec(`CREATE DATABASE ${name}`); await admin.close()
    dbs.push(name)
    return { data: mkdtempSync(join(dir, 'w-')), databaseUrl: withDb(o.databaseUrl!, name) }
  }
  const want = (part: string) => !o.only || o.only.includes(part)
  try {
    const out: Record<string, unknown> = {}
    if (want('flush')) {
      const tg = await fresh()
      const db = kind === 'pglite' ? await openPGlite(join(tg.data, 'flush')) : await openPg(tg.databaseUrl!)
      await migrate(db)
      out.flush = await flushRates(db, o.rows, o.rounds)
      out.flush_small = await flushSmallRates(db, o.rows, o.rounds)
      await db.close()
    }
    if (want('tick')) out.tick = await tickOverhead(await fresh(), o.ticks)
    if (want('restart')) out.restart = await restartTime(await fresh(), o.restartSize, o.events)
    if (want('budget')) out.budget = await budgetRun(await fresh(), await fresh())
    return out
  } finally {
    rmSync(dir, { recursive: true, force: true })
    if (dbs.length) {
      const admin = await openPg(withDb(o.databaseUrl!, 'postgres'))
      for (const n of dbs) await admin.exec(`DROP DATABASE IF EXISTS ${n} WITH (FORCE)`)
      await admin.close()
    }
  }
}

/** Runs every measurement; Postgres only when `databaseUrl` is given. */
export async function runStoreBench(o: StoreBenchOptions): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {}
  if (!o.only || o.only.includes('cache')) out.cache = cacheReads()
  out.load_before = loadavg().map(r2)
  out.pglite = await backend('pglite', o)
  out.postgres = o.databaseUrl ? await backend('pg', o) : { skipped: 'no --database-url / DATABASE_URL / HEXD_PG_URL' }
  out.load_after = loadavg().map(r2)
  out.goals = { cache_p99_ns: 1000, batched_ratio: 20, tick_p99_ratio: 1.05, restart_ms: 3000 }
  return out
}
