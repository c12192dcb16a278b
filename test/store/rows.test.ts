// Writing chunk rows (src/store/rows.ts) on each backend: the flusher's way
// (binary COPY on PGlite, unnest of one blob on Postgres), the comparison
// ways and row by row all store the same rows, insert and update alike;
// migration 0002 keeps chunk rows inline (no TOAST); and rows stored in
// format v1 before 0002 still load after it, next to v2 rows.
import t from 'tap'
import { copyFileSync } from 'node:fs'
import { join } from 'node:path'
import { eachBackend, freshDb, tempDir, freshPgDatabase } from './helpers.ts'
import { openPGlite } from '../../src/store/pglite.ts'
import { openPg } from '../../src/store/pg.ts'
import { migrate, MIGRATIONS_DIR } from '../../src/store/migrate.ts'
import { writeChunks, upsertChunks, upsertChunksArrays, upsertChunksCopy, upsertChunksRowByRow, copyBinary, type ChunkRow } from '../../src/store/rows.ts'
import { ChunkStore } from '../../src/store/chunk-store.ts'
import { encodeChunk, decodeChunk, chunkFormatOf } from '../../src/store/serializers/index.ts'
import { encodeChunkV1 } from '../../src/store/serializers/chunk-v1.ts'
import { World } from '../../src/engine/index.ts'
import type { Db } from '../../src/store/db.ts'

const SIZE = 256 // 162 chunk ids

// Real chunk bytes (the 12 chunks of a size-64 world), as v1 (~4 KB, above
// the TOAST threshold) or v2 rows.
const world = new World({ seed: 3, size: 64 })
world.step([])
const raw = world.residentChunks().map((c) => world.chunkBytes(c))
if (raw.length === 0) throw new Error('no chunk bytes to test with')
const row = (id: number, tick: number, v1 = false): ChunkRow => {
  const data = raw[id % raw.length]
  return { id, tick, format: v1 ? 1 : 2, data: v1 ? encodeChunkV1({ id, tick, data }) : encodeChunk({ id, tick, data }), hash: `h${id}-${tick}` }
}

async function table(db: Db) {
  const rows = await db.query<{ id: number; diamond: number; ci: number; cj: number; tick: number; format: number; data: Uint8Array; hash: string }>('SELECT id, diamond, ci, cj, tick, format, data, hash FROM chunks ORDER BY id')
  return rows.map((r) => ({ ...r, data: Buffer.from(r.data).toString('hex') }))
}

eachBackend(t, 'every way of writing chunk rows stores the same rows, on insert and on update', async (t, backend) => {
  const ways: Array<[string, (db: Db, r: ChunkRow[]) => Promise<void>]> = [
    ['row by row, autocommit', (db, r) => upsertChunksRowByRow(db, SIZE, r, { autocommit: true })],
    ['row by row, one tx', (db, r) => upsertChunksRowByRow(db, SIZE, r)],
    ['unnest bytea[]', (db, r) => upsertChunksArrays(db, SIZE, r)],
    ['unnest one blob', (db, r) => upsertChunks(db, SIZE, r)],
    ['writeChunks (the flusher)', (db, r) => writeChunks(db, SIZE, r)],
  ]
  if (backend === 'pglite') {
    ways.push(['COPY csv staged', (db, r) => upsertChunksCopy(db, SIZE, r, { format: 'csv', via: 'staged' })])
    ways.push(['COPY binary staged', (db, r) => upsertChunksCopy(db, SIZE, r, { via: 'staged' })])
    ways.push(['COPY binary direct', (db, r) => upsertChunksCopy(db, SIZE, r)])
  }
  // Ids across diamonds and both poles (160, 161); the second batch updates some, inserts others.
  const first = [0, 1, 17, 63, 100, 159, 160, 161].map((id) => row(id, 5))
  const second = [1, 17, 160, 2, 99].map((id) => row(id, 9, id === 17))
  const want = (await (async () => {
    const db = await freshDb(t, backend)
    await upsertChunksRowByRow(db, SIZE, first, { autocommit: true })
    await upsertChunksRowByRow(db, SIZE, second, { autocommit: true })
    return table(db)
  })())
  t.equal(want.length, 10)
  t.same(want.find((r) => r.id === 160), { ...want.find((r) => r.id === 160), diamond: -1, ci: 0, cj: -1, tick: 9 }, 'a pole row: coordinates (-1, 0, -1), updated')
  for (const [name, fn] of ways) {
    const db = await freshDb(t, backend)
    await fn(db, first)
    await fn(db, second)
    t.same(await table(db), want, name)
  }
  if (backend === 'pg') await t.rejects(upsertChunksCopy(await freshDb(t, backend), SIZE, first), /COPY is not available on the pg backend/)
})

t.test('copyBinary: the PGCOPY signature, one tuple per row, the -1 trailer', async (t) => {
  const b = Buffer.from(copyBinary(SIZE, [{ id: 7, tick: 2, format: 2, data: new Uint8Array([1, 2, 3]), hash: 'ab' }]))
  t.equal(b.subarray(0, 11).toString('latin1'), 'PGCOPY\n\xff\r\n\0')
  t.equal(b.readInt16BE(19), 8, 'eight fields')
  t.equal(b.readInt16BE(b.length - 2), -1)
  t.equal(b.length, 19 + 2 + 12 + 8 * 3 + 12 + 6 + 4 + 3 + 4 + 2 + 2)
})

eachBackend(t, 'migration 0002 keeps chunk rows inline; v1 rows written before it still load', async (t, backend) => {
  // A database at 0001 only, with v1 rows in it (what an older build left).
  const only1 = tempDir(t, 'hexd-mig1-')
  copyFileSync(join(MIGRATIONS_DIR, '0001_init.sql'), join(only1, '0001_init.sql'))
  let db: Db
  if (backend === 'pglite') {
    db = await openPGlite(tempDir(t))
  } else {
    const { url, drop } = await freshPgDatabase()
    db = await openPg(url)
    t.teardown(drop)
  }
  t.teardown(() => db.close())
  t.same(await migrate(db, only1), ['0001_init'])
  const old = [3, 4, 5].map((id) => row(id, 1, true))
  await upsertChunks(db, SIZE, old)
  const toast = async () => (await db.query<{ n: number }>(`SELECT pg_relation_size(reltoastrelid)::int8 AS n FROM pg_class WHERE relname = 'chunks'`))[0].n
  t.ok(await toast() > 0, 'before 0002, ~4 KB v1 rows went to the TOAST table')

  t.same(await migrate(db), ['0002_chunks_inline', '0003_journal_tick_rows'])
  const opts = (await db.query<{ reloptions: string[] }>(`SELECT reloptions FROM pg_class WHERE relname = 'chunks'`))[0].reloptions
  t.ok(opts.includes('toast_tuple_target=8160'), 'toast_tuple_target')
  t.same(await db.query(`SELECT attstorage FROM pg_attribute WHERE attrelid = 'chunks'::regclass AND attname = 'data'`), [{ attstorage: 'm' }], 'data is STORAGE MAIN')

  // The old v1 rows load through the chunk store, next to new (v2) rows.
  const store = new ChunkStore(db, { size: SIZE, generate: () => { throw new Error('not generated: stored') } })
  for (const r of old) {
    const got = await store.load(r.id)
    t.same(got.data, raw[r.id % raw.length], `v1 row ${r.id} loads after 0002`)
  }
  store.put(4, raw[4 % raw.length], 2, 'h4-2')
  store.put(9, raw[9 % raw.length], 2, 'h9-2')
  await store.flushAll(3)
  const formats = new Map((await db.query<{ id: number; data: Uint8Array }>('SELECT id, data FROM chunks')).map((r) => [r.id, chunkFormatOf(r.data)]))
  t.same([...formats].sort((a, b) => a[0] - b[0]), [[3, 1], [4, 2], [5, 1], [9, 2]], 'rewritten rows are v2, untouched ones stay v1')
  const back = await store.fetchMany([3, 9, 4, 77])
  t.same(back.slice(0, 3), [3, 9, 4].map((id) => raw[id % raw.length]), 'fetchMany reads v1 and v2 rows')
  t.equal(back[3], undefined)

  // After 0002 a fresh table keeps even v1-sized (~4 KB) rows inline.
  await db.exec('TRUNCATE chunks')
  const before = await toast()
  await writeChunks(db, SIZE, [10, 11, 12, 13].map((id) => row(id, 3, true)))
  t.equal(await toast(), before, 'no new TOAST pages for 4 KB rows')
  t.same((await db.query<{ n: number }>(`SELECT count(*)::int8 AS n FROM chunks WHERE pg_column_compression(data) IS NOT NULL`))[0].n, 0, 'stored uncompressed (the bytes are already coded)')
  for (const r of await db.query<{ id: number; data: Uint8Array }>('SELECT id, data FROM chunks')) t.same(decodeChunk(r.data).data, raw[r.id % raw.length])
})
