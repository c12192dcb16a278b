// Chunk format v1 and snapshot v1: round trips, PackBits edge cases, and
// damaged or unknown-version bytes rejected with HEXD_BAD_STORED_DATA.
import t from 'tap'
import fc from 'fast-check'
import { packbits, unpackbits } from '../../src/store/serializers/packbits.ts'
import { encodeChunkV1, decodeChunkV1 } from '../../src/store/serializers/chunk-v1.ts'
import { decodeChunk, chunkFormatOf, CURRENT_CHUNK_FORMAT } from '../../src/store/serializers/index.ts'
import { encodeSnapshotV1, decodeSnapshotV1 } from '../../src/store/serializers/snapshot-v1.ts'

t.test('packbits round-trips any bytes', async (t) => {
  fc.assert(fc.property(fc.uint8Array({ maxLength: 2000 }), (b) => {
    const back = unpackbits(packbits(b), b.length)
    return Buffer.compare(Buffer.from(back), Buffer.from(b)) === 0
  }), { numRuns: 300 })
  // Runs and literals at the 128 boundaries.
  for (const b of [new Uint8Array(0), new Uint8Array(128).fill(7), new Uint8Array(129).fill(7), new Uint8Array(300).map((_, i) => i & 255), new Uint8Array([1, 1, 2, 2, 2, 3])]) {
    t.same(unpackbits(packbits(b), b.length), b)
  }
  t.ok(packbits(new Uint8Array(4356 * 10)).length <= 4356 * 10 / 60, 'uniform planes shrink about 64x')
})

t.test('chunk v1 round-trips id, tick and bytes (large ids and ticks too)', async (t) => {
  fc.assert(fc.property(fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }), fc.integer({ min: 0, max: 2 ** 40 }), fc.uint8Array({ maxLength: 5000 }), (id, tick, data) => {
    const rec = decodeChunkV1(encodeChunkV1({ id, tick, data }))
    return rec.id === id && rec.tick === tick && Buffer.compare(Buffer.from(rec.data), Buffer.from(data)) === 0
  }), { numRuns: 200 })
  const bytes = encodeChunkV1({ id: 3, tick: 9, data: new Uint8Array(1000) })
  t.equal(chunkFormatOf(bytes), 1)
  t.equal(CURRENT_CHUNK_FORMAT, 1)
  t.same(decodeChunk(bytes).data, new Uint8Array(1000))
})

t.test('damaged chunk bytes are rejected, never half-read', async (t) => {
  const good = encodeChunkV1({ id: 42, tick: 7, data: new Uint8Array(500).map((_, i) => (i * 7) & 255) })
  const flip = good.slice(); flip[good.length - 3] ^= 0xff
  t.throws(() => decodeChunkV1(flip), { code: 'HEXD_BAD_STORED_DATA' }, 'a flipped body byte fails the checksum')
  t.throws(() => decodeChunkV1(good.subarray(0, good.length - 1)), { code: 'HEXD_BAD_STORED_DATA' }, 'truncated')
  t.throws(() => decodeChunkV1(new Uint8Array(10)), { code: 'HEXD_BAD_STORED_DATA' }, 'too short')
  const v9 = good.slice(); v9[4] = 9
  t.throws(() => decodeChunk(v9), { code: 'HEXD_BAD_STORED_DATA', message: /version 9 is unknown/ })
  const magic = good.slice(); magic[0] = 0
  t.throws(() => decodeChunkV1(magic), { code: 'HEXD_BAD_STORED_DATA', message: /magic/ })
})

t.test('snapshot v1 round-trips meta and chunks', async (t) => {
  const snap = { meta: { seed: 5, size: 100, tick: 12, players: [{ id: 'a', inv: { ore: 3 } }] }, chunks: [{ id: 1, tick: 12, data: new Uint8Array(300).fill(2) }, { id: 99, tick: 12, data: new Uint8Array([1, 2, 3]) }] }
  const back = decodeSnapshotV1(encodeSnapshotV1(snap))
  t.same(back.meta, snap.meta)
  t.equal(back.chunks.length, 2)
  t.same(back.chunks[1], snap.chunks[1])
  const bytes = encodeSnapshotV1(snap)
  t.throws(() => decodeSnapshotV1(bytes.subarray(0, bytes.length - 2)), { code: 'HEXD_BAD_STORED_DATA' })
})
