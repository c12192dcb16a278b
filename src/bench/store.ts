/**
 * `hexd bench store`: persistence figures, each with its baseline measured in
 * the same run, on PGlite and (given a database URL) Postgres:
 *  - cache read latency p50/p99 (DirtyCache.get vs a bare Map.get);
 *  - flush rows/s of chunk rows (~4 KB each): one-statement batches (unnest)
 *    and, on PGlite, COPY into a staging table + one upsert, vs row by row
 *    (goal batched >= 20x); and of small player rows (~150 bytes);
 *  - tick time p99 with persistence on (journal commit per tick, write-behind
 *    flusher, snapshots off) vs off (goal within 5 %);
 *  - restart time of a 1M-cell world (n = 316) whose journal holds 10k
 *    actions after its latest snapshot (goal <= 3 s);
 *  - the chunk memory budget: tick time and parked bytes with a 4-chunk
 *    budget vs the default, in lockstep, hashes equal (store-budget.ts).
 */
import { budgetRun } from './store-budget.ts'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { randomBytes } from 'node:crypto'
import { World, neighbors } from '../engine/index.ts'
import { factory } from '../engine/scenarios/factory.ts'
import { DirtyCache } from '../store/cache.ts'
import { openPGlite } from '../store/pglite.ts'
import { openPg } from '../store/pg.ts'
import { migrate } from '../store/migrate.ts'
import { withDb } from '../store/branches.ts'
import { upsertChunks, upsertChunksArrays, upsertChunksCopy, upsertChunksRowByRow, upsertPlayers, type ChunkRow } from '../store/rows.ts'
import { encodeChunk, CURRENT_CHUNK_FORMAT } from '../store/serializers/index.ts'
import { Persistence } from '../store/persistence.ts'
import type { Db } from '../store/db.ts'
import type { JournalAction } from '../store/journal.ts'

export interface StoreBenchOptions { rows: number; ticks: number; events: number; restartSize: number; databaseUrl?: string }

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

function sampleRows(count: number, offset: number): ChunkRow[] {
  const w = new World({ seed: 1, size: 64 })
  for (let t = 0; t < 5; t++) w.step([])
  const bytes = w.residentChunks().map((c) => encodeChunk({ id: c, tick: w.tick, data: w.chunkBytes(c) }))
  return Array.from({ length: count }, (_, i) => ({ id: offset + i, tick: 5, format: CURRENT_CHUNK_FORMAT, data: bytes[i % bytes.length], hash: w.chunkHash(w.residentChunks()[i % bytes.length]) }))
}

/** Flush throughput on one database: each batched way vs row by row (rows/s). */
export async function flushRates(db: Db, rows: number): Promise<Record<string, number | null | string>> {
  const SIZE = 16384 // 256x256 chunks per diamond: room for distinct ids
  const rate = async (fn: (r: ChunkRow[]) => Promise<void>, r: ChunkRow[]) => { const t0 = performance.now(); await fn(r); return Math.round(r.length / ((performance.now() - t0) / 1000)) }
  const baseRows = Math.max(50, Math.floor(rows / 8))
  const autocommit = await rate((r) => upsertChunksRowByRow(db, SIZE, r, { autocommit: true }), sampleRows(baseRows, 0))
  const oneTx = await rate((r) => upsertChunksRowByRow(db, SIZE, r), sampleRows(baseRows, 50_000))
  const arrays = await rate((r) => upsertChunksArrays(db, SIZE, r), sampleRows(rows, 100_000))
  const blob = await rate((r) => upsertChunks(db, SIZE, r), sampleRows(rows, 200_000))
  const blobUpdate = await rate((r) => upsertChunks(db, SIZE, r), sampleRows(rows, 200_000)) // every row an update
  const copy = db.copyFrom ? await rate((r) => upsertChunksCopy(db, SIZE, r), sampleRows(rows, 300_000)) : null
  const used = db.copyFrom ? copy! : blob
  return {
    rows, row_bytes: sampleRows(1, 0)[0].data.length, baseline_rows: baseRows,
    row_by_row_autocommit_rows_per_s: autocommit, row_by_row_one_tx_rows_per_s: oneTx,
    unnest_bytea_array_rows_per_s: arrays, unnest_one_blob_rows_per_s: blob, unnest_one_blob_update_rows_per_s: blobUpdate,
    copy_staging_rows_per_s: copy,
    used_by_flusher: db.copyFrom ? 'copy_staging' : 'unnest_one_blob',
    ratio_vs_autocommit: r2(used / autocommit), ratio_vs_one_tx: r2(used / oneTx),
  }
}

/** Flush throughput for small rows (player records, ~150 bytes): one statement vs row by row. */
export async function flushSmallRates(db: Db, rows: number): Promise<Record<string, number>> {
  const mk = (n: number, off: number) => Array.from({ length: n }, (_, i) => ({ id: `bench-${off + i}`, idx: i, name: `player ${off + i}`, tokenHash: null, position: 1000 + i, inventory: { iron_plate: i % 50, gear: i % 7 }, data: { online: true } }))
  const baseRows = Math.max(50, Math.floor(rows / 8))
  let t0 = performance.now()
  for (const r of mk(baseRows, 0)) await upsertPlayers(db, [r])
  const autocommit = baseRows / ((performance.now() - t0) / 1000)
  t0 = performance.now()
  await db.transaction(async (tx) => { for (const r of mk(baseRows, 50_000)) await upsertPlayers(tx, [r]) })
  const oneTx = baseRows / ((performance.now() - t0) / 1000)
  t0 = performance.now()
  await upsertPlayers(db, mk(rows, 100_000))
  const batched = rows / ((performance.now() - t0) / 1000)
  return { rows, baseline_rows: baseRows, row_by_row_autocommit_rows_per_s: Math.round(autocommit), row_by_row_one_tx_rows_per_s: Math.round(oneTx), unnest_rows_per_s: Math.round(batched), ratio_vs_autocommit: r2(batched / autocommit), ratio_vs_one_tx: r2(batched / oneTx) }
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
  try {
    const tg = await fresh()
    const db = kind === 'pglite' ? await openPGlite(join(tg.data, 'flush')) : await openPg(tg.databaseUrl!)
    await migrate(db)
    const flush = await flushRates(db, o.rows)
    const flushSmall = await flushSmallRates(db, o.rows)
    await db.close()
    const tick = await tickOverhead(await fresh(), o.ticks)
    const restart = await restartTime(await fresh(), o.restartSize, o.events)
    const budget = await budgetRun(await fresh(), await fresh())
    return { flush, flush_small: flushSmall, tick, restart, budget }
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
  const out: Record<string, unknown> = { cache: cacheReads() }
  out.pglite = await backend('pglite', o)
  out.postgres = o.databaseUrl ? await backend('pg', o) : { skipped: 'no --database-url / DATABASE_URL / HEXD_PG_URL' }
  out.goals = { cache_p99_ns: 1000, batched_ratio: 20, tick_p99_ratio: 1.05, restart_ms: 3000 }
  return out
}
