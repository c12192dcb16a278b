// `hexd bench store`'s flush part (src/bench/store-flush.ts) on each backend,
// tiny: it runs every way, names the flusher's way for the backend, and the
// rows it timed really are in the table and decode. No timing is asserted.
import t from 'tap'
import { eachBackend, freshDb } from './helpers.ts'
import { flushRates, flushSmallRates } from '../../src/bench/store-flush.ts'
import { decodeChunk, CURRENT_CHUNK_FORMAT } from '../../src/store/serializers/index.ts'

eachBackend(t, 'flushRates runs every way and writes real rows', async (t, backend) => {
  const db = await freshDb(t, backend)
  const r = await flushRates(db, 60, 1)
  t.equal(r.used_by_flusher, backend === 'pglite' ? 'copy_binary_direct' : 'unnest_one_blob')
  t.equal(r.format, CURRENT_CHUNK_FORMAT)
  t.ok((r.row_bytes as number) < (r.row_bytes_v1 as number), 'current rows are smaller than v1 rows')
  for (const k of ['row_by_row_autocommit_rows_per_s', 'row_by_row_one_tx_rows_per_s', 'unnest_bytea_array_rows_per_s', 'unnest_one_blob_rows_per_s', 'used_rows_per_s', 'used_update_rows_per_s', 'used_v1_rows_per_s', 'ratio_vs_autocommit', 'ratio_vs_one_tx']) {
    t.ok(Number.isFinite(r[k]) && (r[k] as number) > 0, k)
  }
  t.equal(r.copy_binary_direct_rows_per_s === null, backend === 'pg', 'COPY ways only on PGlite')
  // 50 baseline rows × 2 (autocommit, one tx) + 60 rows × (ways) written with fresh ids.
  const ways = backend === 'pglite' ? 6 : 3
  const rows = await r2(db)
  t.equal(rows.n, 100 + 60 * ways, 'every timed batch reached the table')
  t.same(rows.formats.sort(), [1, 2], 'v2 rows and the v1 comparison rows')
  const one = (await db.query<{ data: Uint8Array }>('SELECT data FROM chunks WHERE format = $1 LIMIT 1', [CURRENT_CHUNK_FORMAT]))[0]
  t.equal(decodeChunk(one.data).data.length, 69840, 'a stored row decodes to a whole chunk')
  const small = await flushSmallRates(db, 60, 1)
  t.equal((await db.query<{ n: number }>('SELECT count(*)::int8 AS n FROM players'))[0].n, 50 + 50 + 60)
  t.ok(small.ratio_vs_autocommit > 0)
})

async function r2(db: Awaited<ReturnType<typeof freshDb>>) {
  const n = (await db.query<{ n: number }>('SELECT count(*)::int8 AS n FROM chunks'))[0].n
  const formats = (await db.query<{ format: number }>('SELECT DISTINCT format FROM chunks')).map((x) => x.format)
  return { n, formats }
}
