/**
 * Chunk format v2: the v1 header with version 2, and the body coded with
 * raw DEFLATE (zlib's Z_RLE strategy: Huffman codes over runs of one byte)
 * instead of PackBits. Chunk planes are runs (empty structure planes) plus
 * noise-like generated planes (terrain, resources, amounts); PackBits only
 * shortens the runs, DEFLATE also entropy-codes the noise, so a chunk is
 * about 2.2 KB instead of v1's 4.1 KB, and it codes in less time than the JS
 * PackBits of v1 (zlib is native code). The smaller rows are what lets a
 * batched flush move twice the chunks per second (docs/STORE.md, Benchmark).
 *
 * FROZEN once released, like v1: v2 bytes must decode with this code forever.
 *
 * Layout (little-endian), 40-byte header then the body:
 *   0  'HXCK'           magic (same as v1: readers dispatch on the version)
 *   4  u16 version = 2
 *   6  u16 flags        bit 0: body is raw DEFLATE (RFC 1951) of the raw bytes
 *   8  u32 id lo, u32 id hi      chunk id
 *  16  u32 tick lo, u32 tick hi  tick the bytes were taken at
 *  24  u32 raw length            the engine's chunk bytes, before coding
 *  28  u32 body length
 *  32  u32 FNV-1a of the raw bytes
 *  36  u32 reserved (0)
 *  40  body
 */
import { deflateRawSync, inflateRawSync, constants } from 'node:zlib'
import { HexdError } from '../../errors.ts'
import { fnv1a, type ChunkRecord } from './chunk-v1.ts'

export const CHUNK_V2 = 2
const MAGIC = 0x4b435848 // 'HXCK'
const HEADER = 40
const FLAG_DEFLATE = 1

const split = (v: number) => [v % 0x100000000, Math.floor(v / 0x100000000)]

/**
 * Encodes a chunk in format v2 (DEFLATE-coded when that is smaller, else the
 * raw bytes as they are).
 *
 * @example
 * const bytes = encodeChunkV2({ id: 5, tick: 100, data: engineChunkBytes })
 * decodeChunkV2(bytes).data // the same engine bytes
 */
export function encodeChunkV2(rec: ChunkRecord): Uint8Array {
  const packed = deflateRawSync(rec.data, { strategy: constants.Z_RLE })
  const coded = packed.length < rec.data.length
  const body = coded ? packed : rec.data
  const out = new Uint8Array(HEADER + body.length)
  const v = new DataView(out.buffer)
  v.setUint32(0, MAGIC, true)
  v.setUint16(4, CHUNK_V2, true)
  v.setUint16(6, coded ? FLAG_DEFLATE : 0, true)
  const [il, ih] = split(rec.id), [tl, th] = split(rec.tick)
  v.setUint32(8, il, true); v.setUint32(12, ih, true)
  v.setUint32(16, tl, true); v.setUint32(20, th, true)
  v.setUint32(24, rec.data.length, true)
  v.setUint32(28, body.length, true)
  v.setUint32(32, fnv1a(rec.data), true)
  out.set(body, HEADER)
  return out
}

function bad(msg: string): HexdError { return new HexdError('HEXD_BAD_STORED_DATA', `stored chunk: ${msg}`) }

/** Decodes v2 bytes; throws HEXD_BAD_STORED_DATA on any damage. */
export function decodeChunkV2(bytes: Uint8Array): ChunkRecord {
  if (bytes.length < HEADER) throw bad(`${bytes.length} bytes is shorter than the v2 header`)
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  if (v.getUint32(0, true) !== MAGIC) throw bad('bad magic (not a hexd chunk)')
  const version = v.getUint16(4, true)
  if (version !== CHUNK_V2) throw bad(`format version ${version} is not v2`)
  const flags = v.getUint16(6, true)
  if (flags & ~FLAG_DEFLATE) throw bad(`unknown v2 flags ${flags}`)
  const id = v.getUint32(8, true) + v.getUint32(12, true) * 0x100000000
  const tick = v.getUint32(16, true) + v.getUint32(20, true) * 0x100000000
  const rawLen = v.getUint32(24, true), bodyLen = v.getUint32(28, true)
  if (HEADER + bodyLen !== bytes.length) throw bad(`body length ${bodyLen} does not match the ${bytes.length - HEADER} bytes present`)
  const body = bytes.subarray(HEADER)
  let data: Uint8Array
  try {
    // maxOutputLength: damaged bytes can never inflate past the stated size.
    data = flags & FLAG_DEFLATE ? new Uint8Array(inflateRawSync(body, { maxOutputLength: Math.max(1, rawLen) })) : body.slice()
  } catch (e) { throw bad(`chunk ${id}: ${(e as Error).message}`) }
  if (data.length !== rawLen) throw bad(`raw length ${rawLen} does not match ${data.length}`)
  if (fnv1a(data) !== v.getUint32(32, true)) throw bad(`checksum mismatch for chunk ${id}`)
  return { id, tick, data }
}
