// Chunk formats v1 and v2 and snapshot v1: round trips, PackBits edge cases,
// v1 bytes written by the old code still loading, and damaged or
// unknown-version bytes rejected with HEXD_BAD_STORED_DATA.
import t from 'tap'
import fc from 'fast-check'
import { packbits, unpackbits } from '../../src/store/serializers/packbits.ts'
import { encodeChunkV1, decodeChunkV1 } from '../../src/store/serializers/chunk-v1.ts'
import { encodeChunkV2, decodeChunkV2 } from '../../src/store/serializers/chunk-v2.ts'
import { encodeChunk, decodeChunk, chunkFormatOf, CURRENT_CHUNK_FORMAT } from '../../src/store/serializers/index.ts'
import { World } from '../../src/engine/index.ts'
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
  t.same(decodeChunk(bytes).data, new Uint8Array(1000), 'decodeChunk still reads v1')
})

t.test('v1 bytes written by the v1 code (a fixture) still decode, through decodeChunk too', async (t) => {
  // encodeChunkV1({ id: 2**33 + 7, tick: 123456, data }) as the released v1 code wrote it.
  const fixture = Buffer.from('4858434b01000100070000000200000040e2010000000000c800000053000000d51a85bb0000000089044f587da2c7ec11365b80a5caef14395e83a8cdf2173c6186abd0f51a3f6489aed3f81d42678cb1d6fb20456a8fb4d9fe23486d92b7dc01264b7095badf04294e7398bde2072c51769bc0e50a2f54799ec3', 'hex')
  const data = new Uint8Array(200).map((_, i) => (i < 120 ? 4 : (i * 37) & 255))
  t.same(Buffer.from(encodeChunkV1({ id: 2 ** 33 + 7, tick: 123456, data })), fixture, 'v1 encoding is unchanged (frozen)')
  for (const rec of [decodeChunkV1(fixture), decodeChunk(fixture)]) {
    t.equal(rec.id, 2 ** 33 + 7); t.equal(rec.tick, 123456); t.same(rec.data, data)
  }
})

t.test('chunk v2 (current) round-trips id, tick and bytes; smaller than v1 on real chunks', async (t) => {
  t.equal(CURRENT_CHUNK_FORMAT, 2)
  fc.assert(fc.property(fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }), fc.integer({ min: 0, max: 2 ** 40 }), fc.uint8Array({ maxLength: 5000 }), (id, tick, data) => {
    const bytes = encodeChunkV2({ id, tick, data })
    const rec = decodeChunk(bytes)
    return chunkFormatOf(bytes) === 2 && rec.id === id && rec.tick === tick && Buffer.compare(Buffer.from(rec.data), Buffer.from(data)) === 0
  }), { numRuns: 200 })
  t.same(decodeChunkV2(encodeChunkV2({ id: 1, tick: 2, data: new Uint8Array(0) })).data, new Uint8Array(0), 'empty chunk')
  const w = new World({ seed: 1, size: 64 })
  let v1 = 0, v2 = 0
  for (const c of w.residentChunks()) {
    const raw = w.chunkBytes(c)
    const b = encodeChunk({ id: c, tick: w.tick, data: raw })
    t.equal(chunkFormatOf(b), 2)
    t.same(decodeChunk(b).data, raw, `chunk ${c} round-trips`)
    v1 += encodeChunkV1({ id: c, tick: w.tick, data: raw }).length; v2 += b.length
  }
  t.ok(v2 < v1 * 0.7, `v2 is smaller than v1 on real chunks (${v2} vs ${v1} bytes)`)
})

t.test('damaged v2 bytes are rejected, never half-read', async (t) => {
  const good = encodeChunkV2({ id: 42, tick: 7, data: new Uint8Array(5000).map((_, i) => (i < 3000 ? 1 : (i * 7) & 255)) })
  t.equal(good[6] & 1, 1, 'the body is DEFLATE-coded')
  const flip = good.slice(); flip[good.length - 3] ^= 0xff
  t.throws(() => decodeChunkV2(flip), { code: 'HEXD_BAD_STORED_DATA' }, 'a flipped body byte')
  t.throws(() => decodeChunkV2(good.subarray(0, good.length - 1)), { code: 'HEXD_BAD_STORED_DATA' }, 'truncated')
  t.throws(() => decodeChunkV2(new Uint8Array(10)), { code: 'HEXD_BAD_STORED_DATA' }, 'too short')
  const big = good.slice(); new DataView(big.buffer).setUint32(24, 100, true)
  t.throws(() => decodeChunkV2(big), { code: 'HEXD_BAD_STORED_DATA' }, 'a body that inflates past the stated raw length')
  const flags = good.slice(); flags[6] = 6
  t.throws(() => decodeChunkV2(flags), { code: 'HEXD_BAD_STORED_DATA', message: /flags/ })
  const v1 = good.slice(); v1[4] = 1
  t.throws(() => decodeChunkV2(v1), { code: 'HEXD_BAD_STORED_DATA', message: /not v2/ })
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
