// A data-migration test the way seed.md's subproject 9 describes it: the old serializer is not
// kept in the tree, it is read from history through /versions/chunk-format-v1/… (the commit
// linked in versions/links.jsonl, the last build that wrote chunk format v1), run next to the
// current code, and the two are compared:
//   - bytes the old build wrote still decode with today's code, to the same record;
//   - today's v1 encoder (kept for reading, FROZEN) writes the old build's bytes exactly;
//   - migrating (old v1 bytes -> decode -> today's v2) keeps every record;
//   - the old build refuses v2 bytes with its clear error (it cannot be rolled back to silently).
import t from 'tap'
import fc from 'fast-check'
import { VersionStore } from '../../src/versions/store.ts'
import { encodeChunkV1 } from '../../src/store/serializers/chunk-v1.ts'
import { encodeChunk, decodeChunk, chunkFormatOf, type ChunkRecord } from '../../src/store/serializers/index.ts'
import { World } from '../../src/engine/index.ts'
import { historyOrSkip } from './helpers.ts'

interface OldSerializers {
  encodeChunk(rec: ChunkRecord): Uint8Array
  decodeChunk(b: Uint8Array): ChunkRecord
  CURRENT_CHUNK_FORMAT: number
}

if (await historyOrSkip(t)) {
  const old = await new VersionStore().import<OldSerializers>('/versions/chunk-format-v1/src/store/serializers/index.ts')
  const same = (a: ChunkRecord, b: ChunkRecord) => a.id === b.id && a.tick === b.tick && Buffer.compare(Buffer.from(a.data), Buffer.from(b.data)) === 0

  // Real chunks of a generated world, plus arbitrary bytes.
  const w = new World({ seed: 7, size: 32 })
  const real: ChunkRecord[] = [...w.residentChunks()].slice(0, 6).map((c, i) => ({ id: c, tick: 1000 * i, data: w.chunkBytes(c) }))

  t.test('the linked build writes v1; today it is v2', async (t) => {
    t.equal(old.CURRENT_CHUNK_FORMAT, 1)
    t.equal(chunkFormatOf(encodeChunk(real[0])), 2)
  })

  t.test('bytes the v1 build wrote decode with today\'s code', async (t) => {
    for (const rec of real) t.ok(same(decodeChunk(old.encodeChunk(rec)), rec), `chunk ${rec.id}`)
    fc.assert(fc.property(fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }), fc.integer({ min: 0, max: 2 ** 40 }), fc.uint8Array({ maxLength: 3000 }), (id, tick, data) =>
      same(decodeChunk(old.encodeChunk({ id, tick, data })), { id, tick, data })), { numRuns: 200 })
  })

  t.test('today\'s v1 encoder writes the v1 build\'s bytes exactly (the format is frozen)', async (t) => {
    for (const rec of real) t.same(Buffer.from(encodeChunkV1(rec)), Buffer.from(old.encodeChunk(rec)), `chunk ${rec.id}`)
    fc.assert(fc.property(fc.uint8Array({ maxLength: 3000 }), (data) =>
      Buffer.compare(Buffer.from(encodeChunkV1({ id: 9, tick: 3, data })), Buffer.from(old.encodeChunk({ id: 9, tick: 3, data }))) === 0), { numRuns: 200 })
  })

  t.test('migrating v1 rows to v2 keeps every record; the old code reads what it wrote the same way', async (t) => {
    for (const rec of real) {
      const v1 = old.encodeChunk(rec)
      const migrated = encodeChunk(decodeChunk(v1))
      t.equal(chunkFormatOf(migrated), 2)
      t.ok(same(decodeChunk(migrated), old.decodeChunk(v1)), `chunk ${rec.id}: new code on v2 = old code on v1`)
    }
  })

  t.test('the v1 build refuses v2 bytes with its own clear error', async (t) => {
    t.throws(() => old.decodeChunk(encodeChunk(real[1])), { code: 'HEXD_BAD_STORED_DATA', message: /format version 2 is unknown to this build \(it reads v1\)/ })
  })
}
