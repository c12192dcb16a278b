/**
 * `hexd bench store`, flush part: rows per second for each way of writing a
 * batch of chunk rows (and small player rows), against the row-by-row
 * baselines, on one database. Every way runs `rounds` times, interleaved
 * (round 1 of every way, then round 2, …) so load on the machine hits all of
 * them alike; each figure is the median of its rounds.
 *
 * The baselines are what a naive write-behind does: one parameterised upsert
 * statement per row, either each in its own transaction (autocommit) or all
 * in one transaction. They write the very same rows (same bytes, same format)
 * as the batched ways, into the same table.
 */
import { World } from '../engine/index.ts'
import { chunkCount } from '../engine/chunks.ts'
import { upsertChunks, upsertChunksArrays, upsertChunksCopy, upsertChunksRowByRow, upsertPlayers, type ChunkRow } from '../store/rows.ts'
import { encodeChunk, CURRENT_CHUNK_FORMAT } from '../store/serializers/index.ts'
import { encodeChunkV1, CHUNK_V1 } from '../store/serializers/chunk-v1.ts'
import type { Db } from '../store/db.ts'
import { median } from './stats.ts'

const SIZE = 16384 // 256 × 256 chunks per diamond = 655,362 chunk ids: room for every round of every way
const r2 = (x: number) => Math.round(x * 100) / 100

interface Sample { data: Uint8Array; hash: string }
let samples: { current: Sample[]; v1: Sample[] } | undefined

/** Real chunks (a seed-1 world's resident chunks), encoded in the current format and in v1. */
function chunkSamples(): { current: Sample[]; v1: Sample[] } {
  if (samples) return samples
  const w = new World({ seed: 1, size: 64 })
  for (let t = 0; t < 5; t++) w.step([])
  const ids = w.residentChunks()
  samples = {
    current: ids.map((c) => ({ data: encodeChunk({ id: c, tick: w.tick, data: w.chunkBytes(c) }), hash: w.chunkHash(c) })),
    v1: ids.map((c) => ({ data: encodeChunkV1({ id: c, tick: w.tick, data: w.chunkBytes(c) }), hash: w.chunkHash(c) })),
  }
  return samples
}

const avgBytes = (s: Sample[]) => Math.round(s.reduce((a, x) => a + x.data.length, 0) / s.length)

/**
 * Flush throughput of chunk rows on `db` (a migrated database): each batched
 * way vs row by row, rows/s (median of `rounds`).
 *
 * @example
 * await flushRates(db, 4000) // { row_by_row_autocommit_rows_per_s: …, used_by_flusher: 'copy_binary', ratio_vs_autocommit: … }
 */
export async function flushRates(db: Db, rows: number, rounds = 3): Promise<Record<string, number | null | string>> {
  const s = chunkSamples()
  let next = 0
  const count = chunkCount(SIZE)
  // Fresh ids for every batch (inserts); `again` rewrites the previous batch's ids (updates).
  const make = (n: number, from: Sample[], at?: number): ChunkRow[] => {
    const first = at ?? next
    if (at === undefined) { next += n; if (next > count) throw new Error(`bench store: --rows ${rows} × ${rounds} rounds needs more than the ${count} chunk ids of the bench table`) }
    return Array.from({ length: n }, (_, i) => ({ id: first + i, tick: 5, format: from === s.v1 ? CHUNK_V1 : CURRENT_CHUNK_FORMAT, data: from[i % from.length].data, hash: from[i % from.length].hash }))
  }
  const baseRows = Math.max(50, Math.floor(rows / 8))
  const copy = !!db.copyFrom
  const used = copy ? 'copy_binary_direct' : 'unnest_one_blob'
  const write = (r: ChunkRow[]) => (copy ? upsertChunksCopy(db, SIZE, r) : upsertChunks(db, SIZE, r))
  type Way = { name: string; run: () => Promise<number> }
  const timed = async (r: ChunkRow[], fn: (r: ChunkRow[]) => Promise<void>) => { const t0 = performance.now(); await fn(r); return r.length / ((performance.now() - t0) / 1000) }
  let lastUsed: ChunkRow[] = [], lastAuto: ChunkRow[] = []
  const ways: Way[] = [
    { name: 'row_by_row_autocommit', run: () => timed(lastAuto = make(baseRows, s.current), (r) => upsertChunksRowByRow(db, SIZE, r, { autocommit: true })) },
    { name: 'row_by_row_autocommit_update', run: () => timed(lastAuto, (r) => upsertChunksRowByRow(db, SIZE, r, { autocommit: true })) },
    { name: 'row_by_row_one_tx', run: () => timed(make(baseRows, s.current), (r) => upsertChunksRowByRow(db, SIZE, r)) },
    { name: 'unnest_bytea_array', run: () => timed(make(rows, s.current), (r) => upsertChunksArrays(db, SIZE, r)) },
    ...(copy ? [
      { name: 'unnest_one_blob', run: () => timed(make(rows, s.current), (r) => upsertChunks(db, SIZE, r)) },
      { name: 'copy_csv_staged', run: () => timed(make(rows, s.current), (r) => upsertChunksCopy(db, SIZE, r, { format: 'csv', via: 'staged' })) },
      { name: 'copy_binary_staged', run: () => timed(make(rows, s.current), (r) => upsertChunksCopy(db, SIZE, r, { via: 'staged' })) },
    ] : []),
    // The flusher's way (copy_binary_direct on PGlite, unnest_one_blob on Postgres).
    { name: 'used', run: () => timed(lastUsed = make(rows, s.current), write) },
    { name: 'used_update', run: () => timed(lastUsed, write) },
    { name: 'used_v1_rows', run: () => timed(make(rows, s.v1), write) },
  ]
  const got: Record<string, number[]> = {}
  for (let k = 0; k < rounds; k++) for (const w of ways) (got[w.name] ??= []).push(await w.run())
  const m = (name: string) => Math.round(median(got[name]))
  const out: Record<string, number | null | string> = {
    rows, rounds, baseline_rows: baseRows, row_bytes: avgBytes(s.current), row_bytes_v1: avgBytes(s.v1), format: CURRENT_CHUNK_FORMAT,
  }
  for (const w of ways) if (!w.name.startsWith('used')) out[`${w.name}_rows_per_s`] = m(w.name)
  if (copy) out.copy_binary_direct_rows_per_s = m('used')
  else Object.assign(out, { unnest_one_blob_rows_per_s: m('used'), copy_csv_staged_rows_per_s: null, copy_binary_staged_rows_per_s: null, copy_binary_direct_rows_per_s: null })
  Object.assign(out, {
    used_by_flusher: used,
    used_rows_per_s: m('used'), used_update_rows_per_s: m('used_update'), used_v1_rows_per_s: m('used_v1_rows'),
    ratio_vs_autocommit: r2(m('used') / m('row_by_row_autocommit')),
    ratio_vs_one_tx: r2(m('used') / m('row_by_row_one_tx')),
    update_ratio_vs_autocommit: r2(m('used_update') / m('row_by_row_autocommit_update')),
  })
  return out
}

/**
 * Flush throughput for small rows (player records, ~150 bytes): one statement
 * vs row by row (median of `rounds`).
 */
export async function flushSmallRates(db: Db, rows: number, rounds = 3): Promise<Record<string, number>> {
  let next = 0
  const mk = (n: number) => { const off = next; next += n; return Array.from({ length: n }, (_, i) => ({ id: `bench-${off + i}`, idx: i, name: `player ${off + i}`, tokenHash: null, position: 1000 + i, inventory: { iron_plate: i % 50, gear: i % 7 }, data: { online: true } })) }
  const baseRows = Math.max(50, Math.floor(rows / 8))
  const auto: number[] = [], oneTx: number[] = [], batched: number[] = []
  for (let k = 0; k < rounds; k++) {
    let r = mk(baseRows), t0 = performance.now()
    for (const x of r) await upsertPlayers(db, [x])
    auto.push(baseRows / ((performance.now() - t0) / 1000))
    r = mk(baseRows); t0 = performance.now()
    await db.transaction(async (tx) => { for (const x of r) await upsertPlayers(tx, [x]) })
    oneTx.push(baseRows / ((performance.now() - t0) / 1000))
    r = mk(rows); t0 = performance.now()
    await upsertPlayers(db, r)
    batched.push(rows / ((performance.now() - t0) / 1000))
  }
  const [a, o, b] = [median(auto), median(oneTx), median(batched)]
  return { rows, rounds, baseline_rows: baseRows, row_by_row_autocommit_rows_per_s: Math.round(a), row_by_row_one_tx_rows_per_s: Math.round(o), unnest_rows_per_s: Math.round(b), ratio_vs_autocommit: r2(b / a), ratio_vs_one_tx: r2(b / o) }
}
