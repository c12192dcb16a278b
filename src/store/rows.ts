/**
 * Reading and writing the chunks and players tables. A batch of chunks is ONE
 * statement (or one DELETE + one COPY), never a statement per row. Measured
 * by `hexd bench store` (docs/STORE.md has the figures), the fastest way
 * differs by backend, so `writeChunks` picks it:
 *  - Postgres: `INSERT … SELECT FROM unnest(…)` with all chunk bytes in ONE
 *    binary bytea parameter cut by (offset, length) — `upsertChunks`;
 *  - PGlite: delete the batch's ids, then a binary `COPY` straight into
 *    chunks — `upsertChunksCopy` (PGlite passes parameters as hex text, so
 *    big bytea parameters cost it far more than COPY's raw bytes).
 * `upsertChunksArrays` (a bytea[] parameter), the CSV and staged COPY, and
 * row by row are kept as the benchmark's comparison points.
 * Chunk rows stay inline in the heap (migration 0002): TOASTing them was most
 * of a batch's cost.
 */
import { chunkInfo } from '../engine/chunks.ts'
import type { Db, Sql } from './db.ts'

/** One row of the chunks table (data already serialized: src/store/serializers, `format` its version). */
export interface ChunkRow { id: number; tick: number; format: number; data: Uint8Array; hash: string }

/** One row of the players table. */
export interface PlayerRow {
  id: string
  idx: number | null
  name: string
  tokenHash: string | null
  position: number | null
  inventory: Record<string, number>
  /** Anything else the engine keeps for a player (JSON). */
  data: Record<string, unknown>
}

const buf = (u: Uint8Array) => Buffer.from(u.buffer, u.byteOffset, u.byteLength)

const CHUNK_UPSERT_TAIL = `ON CONFLICT (id) DO UPDATE SET tick = excluded.tick, format = excluded.format, data = excluded.data, hash = excluded.hash, updated_at = now()`

function coords(size: number, id: number): [number, number, number] {
  const c = chunkInfo(size, id)
  return c.pole === null ? [c.d, c.ci, c.cj] : [-1, c.pole === 'N' ? 0 : 1, -1]
}

/**
 * Upserts chunk rows in one statement (unnest arrays).
 *
 * @example
 * await upsertChunks(db, 256, [{ id: 3, tick: 10, format: 1, data, hash: 'ab12…' }])
 */
export async function upsertChunks(sql: Sql, size: number, rows: ChunkRow[]): Promise<void> {
  if (rows.length === 0) return
  const ids: number[] = [], ds: number[] = [], cis: number[] = [], cjs: number[] = [], ticks: number[] = [], fmts: number[] = [], offs: number[] = [], lens: number[] = [], hashes: string[] = []
  let total = 0
  for (const r of rows) total += r.data.byteLength
  // All chunk bytes travel as ONE binary bytea parameter cut server-side by
  // (offset, length): a bytea[] array would go as hex text, twice the bytes
  // plus escaping, which dominated the batch.
  const blob = Buffer.allocUnsafe(total)
  let o = 0
  for (const r of rows) {
    const [d, ci, cj] = coords(size, r.id)
    ids.push(r.id); ds.push(d); cis.push(ci); cjs.push(cj); ticks.push(r.tick); fmts.push(r.format); hashes.push(r.hash)
    blob.set(r.data, o); offs.push(o + 1); lens.push(r.data.byteLength); o += r.data.byteLength
  }
  await sql.query(
    `INSERT INTO chunks (id, diamond, ci, cj, tick, format, data, hash)
     SELECT u.id, u.d, u.ci, u.cj, u.tick, u.fmt, substring($9::bytea FROM u.off FOR u.len), u.hash
     FROM unnest($1::int8[], $2::int4[], $3::int4[], $4::int4[], $5::int8[], $6::int2[], $7::int4[], $8::int4[], $10::text[]) AS u(id, d, ci, cj, tick, fmt, off, len, hash)
     ${CHUNK_UPSERT_TAIL}`,
    [ids, ds, cis, cjs, ticks, fmts, offs, lens, blob, hashes])
}

/** The fastest batch upsert measured for `db`'s backend (see the header). */
export function writeChunks(db: Db, size: number, rows: ChunkRow[]): Promise<void> {
  return db.copyFrom ? upsertChunksCopy(db, size, rows) : upsertChunks(db, size, rows)
}

/**
 * {@link writeChunks} inside the caller's transaction `tx` of `db` (the
 * persistence writer commits its log offset in the same transaction).
 */
export function writeChunksIn(db: Db, tx: Sql, size: number, rows: ChunkRow[]): Promise<void> {
  return db.copyFrom ? copyChunksIn(db, tx, size, rows) : upsertChunks(tx, size, rows)
}

/** Upserts chunk rows in one statement with a bytea[] parameter (a comparison point). */
export async function upsertChunksArrays(sql: Sql, size: number, rows: ChunkRow[]): Promise<void> {
  if (rows.length === 0) return
  const cols = rows.map((r) => [r.id, ...coords(size, r.id), r.tick, r.format, buf(r.data), r.hash] as const)
  await sql.query(
    `INSERT INTO chunks (id, diamond, ci, cj, tick, format, data, hash)
     SELECT * FROM unnest($1::int8[], $2::int4[], $3::int4[], $4::int4[], $5::int8[], $6::int2[], $7::bytea[], $8::text[]) ${CHUNK_UPSERT_TAIL}`,
    [0, 1, 2, 3, 4, 5, 6, 7].map((k) => cols.map((c) => c[k])))
}

/**
 * Upserts chunk rows one statement per row (the benchmark's baseline): each
 * its own transaction (`autocommit`, what a naive write-behind does), or all
 * in one transaction.
 */
export async function upsertChunksRowByRow(db: Db, size: number, rows: ChunkRow[], opts: { autocommit?: boolean } = {}): Promise<void> {
  const one = (sql: Sql, r: ChunkRow) => {
    const [d, ci, cj] = coords(size, r.id)
    return sql.query(`INSERT INTO chunks (id, diamond, ci, cj, tick, format, data, hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ${CHUNK_UPSERT_TAIL}`,
      [r.id, d, ci, cj, r.tick, r.format, buf(r.data), r.hash])
  }
  if (opts.autocommit) { for (const r of rows) await one(db, r); return }
  await db.transaction(async (tx) => { for (const r of rows) await one(tx, r) })
}

/** How {@link upsertChunksCopy} moves rows (see there). */
export interface CopyOptions {
  /** `binary` (default): Postgres' binary COPY format; `csv`: bytes as hex text. */
  format?: 'binary' | 'csv'
  /** `direct` (default): delete the batch's ids, COPY into chunks; `staged`: COPY into a temp table, then one upsert. */
  via?: 'direct' | 'staged'
}

/**
 * Upserts chunk rows by COPY, in one transaction. The default (what the
 * flusher uses on PGlite) deletes the batch's ids in one statement and COPYs
 * the rows straight into chunks in the binary format: each row is written
 * once, and the chunk bytes go as they are. The other ways are kept as the
 * benchmark's comparison points: `via: 'staged'` COPYs into a temp table and
 * upserts from it (every row written twice), `format: 'csv'` sends the bytes
 * as hex text (twice the bytes, a hex decode per row). Within the
 * transaction delete + insert is an upsert: the table's only other column,
 * updated_at, is set to now() either way. Needs a backend with `copyFrom`
 * (PGlite); throws otherwise.
 *
 * @example
 * await upsertChunksCopy(db, 256, rows)                                   // binary, direct
 * await upsertChunksCopy(db, 256, rows, { format: 'csv', via: 'staged' }) // the older way
 */
export async function upsertChunksCopy(db: Db, size: number, rows: ChunkRow[], opts: CopyOptions = {}): Promise<void> {
  if (!db.copyFrom) throw new Error(`COPY is not available on the ${db.kind} backend`)
  if (rows.length === 0) return
  await db.transaction((tx) => copyChunksIn(db, tx, size, rows, opts))
}

const CHUNK_COLS = 'id, diamond, ci, cj, tick, format, data, hash'

// The staging table lives for the session; ON COMMIT DELETE ROWS empties it.
// Its data column is stored like chunks.data (migration 0002): otherwise every
// staged value would be pglz-tried and TOASTed here, and again when the upsert
// copies it into chunks. (Column STORAGE in CREATE TABLE needs Postgres 16+:
// PGlite is 18; this path is PGlite's.)
const STAGE_SQL = `CREATE TEMP TABLE IF NOT EXISTS chunks_stage (id int8, diamond int4, ci int4, cj int4, tick int8, format int2, data bytea STORAGE MAIN, hash text) WITH (toast_tuple_target = 8160) ON COMMIT DELETE ROWS`

async function copyChunksIn(db: Db, tx: Sql, size: number, rows: ChunkRow[], opts: CopyOptions = {}): Promise<void> {
  if (rows.length === 0) return
  const staged = opts.via === 'staged'
  const into = staged ? 'chunks_stage' : `chunks (${CHUNK_COLS})`
  if (staged) await tx.query(STAGE_SQL)
  else await tx.query('DELETE FROM chunks WHERE id = ANY($1::int8[])', [rows.map((r) => r.id)])
  if ((opts.format ?? 'binary') === 'binary') {
    await db.copyFrom!(tx, `COPY ${into} FROM '/dev/blob' WITH (FORMAT binary)`, copyBinary(size, rows))
  } else {
    let csv = ''
    for (const r of rows) {
      const [d, ci, cj] = coords(size, r.id)
      csv += `${r.id},${d},${ci},${cj},${r.tick},${r.format},\\x${buf(r.data).toString('hex')},${r.hash}\n`
    }
    await db.copyFrom!(tx, `COPY ${into} FROM '/dev/blob' WITH (FORMAT csv)`, new TextEncoder().encode(csv))
  }
  if (staged) await tx.query(`INSERT INTO chunks (${CHUNK_COLS}) SELECT * FROM chunks_stage ${CHUNK_UPSERT_TAIL}`)
}

/**
 * Chunk rows in Postgres' binary COPY format, columns in CHUNK_COLS order
 * (id int8, diamond int4, ci int4, cj int4, tick int8, format int2, data
 * bytea, hash text): an 11-byte signature, flags and extension length (0),
 * then per row a field count and each field as a big-endian length + bytes,
 * and a -1 trailer.
 *
 * @example
 * copyBinary(256, [{ id: 3, tick: 10, format: 2, data, hash: 'ab12' }]) // Uint8Array
 */
export function copyBinary(size: number, rows: ChunkRow[]): Uint8Array {
  let total = 19 + 2
  for (const r of rows) total += 2 + 12 + 8 + 8 + 8 + 12 + 6 + 4 + r.data.byteLength + 4 + Buffer.byteLength(r.hash)
  const b = Buffer.allocUnsafe(total)
  let o = b.write('PGCOPY\n\xff\r\n\0', 0, 'latin1')
  o = b.writeInt32BE(0, o) // flags: no OIDs
  o = b.writeInt32BE(0, o) // no header extension
  for (const r of rows) {
    const [d, ci, cj] = coords(size, r.id)
    o = b.writeInt16BE(8, o)
    o = b.writeInt32BE(8, o); o = b.writeBigInt64BE(BigInt(r.id), o)
    o = b.writeInt32BE(4, o); o = b.writeInt32BE(d, o)
    o = b.writeInt32BE(4, o); o = b.writeInt32BE(ci, o)
    o = b.writeInt32BE(4, o); o = b.writeInt32BE(cj, o)
    o = b.writeInt32BE(8, o); o = b.writeBigInt64BE(BigInt(r.tick), o)
    o = b.writeInt32BE(2, o); o = b.writeInt16BE(r.format, o)
    o = b.writeInt32BE(r.data.byteLength, o); b.set(r.data, o); o += r.data.byteLength
    const hl = Buffer.byteLength(r.hash)
    o = b.writeInt32BE(hl, o); o += b.write(r.hash, o, 'utf8')
  }
  o = b.writeInt16BE(-1, o)
  if (o !== total) throw new Error(`copyBinary: wrote ${o} of ${total} bytes`)
  return b
}

/** One stored chunk, or undefined. */
export async function loadChunkRow(sql: Sql, id: number): Promise<ChunkRow | undefined> {
  const rows = await sql.query<ChunkRow>('SELECT id, tick, format, data, hash FROM chunks WHERE id = $1', [id])
  return rows[0]
}

/** Stored chunks by id (one statement); absent ids are missing from the result. */
export async function loadChunkRows(sql: Sql, ids: readonly number[]): Promise<ChunkRow[]> {
  if (ids.length === 0) return []
  return sql.query<ChunkRow>('SELECT id, tick, format, data, hash FROM chunks WHERE id = ANY($1::int8[])', [ids.map(String)])
}

/** Every stored chunk's hash (what the chunks table holds), by id. */
export async function loadChunkHashes(sql: Sql): Promise<Map<number, string>> {
  const rows = await sql.query<{ id: string | number; hash: string }>('SELECT id, hash FROM chunks')
  return new Map(rows.map((r) => [Number(r.id), r.hash]))
}

/** Upserts player rows in one statement (unnest arrays). */
export async function upsertPlayers(sql: Sql, rows: PlayerRow[]): Promise<void> {
  if (rows.length === 0) return
  await sql.query(
    `INSERT INTO players (id, idx, name, token_hash, position, inventory, data)
     SELECT * FROM unnest($1::text[], $2::int4[], $3::text[], $4::text[], $5::int8[], $6::jsonb[], $7::jsonb[])
     ON CONFLICT (id) DO UPDATE SET idx = excluded.idx, name = excluded.name, token_hash = excluded.token_hash,
       position = excluded.position, inventory = excluded.inventory, data = excluded.data, updated_at = now()`,
    [rows.map((r) => r.id), rows.map((r) => r.idx), rows.map((r) => r.name), rows.map((r) => r.tokenHash), rows.map((r) => r.position),
      rows.map((r) => JSON.stringify(r.inventory)), rows.map((r) => JSON.stringify(r.data))])
}

/** One stored player, or undefined. */
export async function loadPlayerRow(sql: Sql, id: string): Promise<PlayerRow | undefined> {
  const rows = await sql.query<{ id: string; idx: number | null; name: string; token_hash: string | null; position: number | null; inventory: Record<string, number>; data: Record<string, unknown> }>(
    'SELECT id, idx, name, token_hash, position, inventory, data FROM players WHERE id = $1', [id])
  const r = rows[0]
  return r && { id: r.id, idx: r.idx, name: r.name, tokenHash: r.token_hash, position: r.position, inventory: r.inventory, data: r.data }
}
