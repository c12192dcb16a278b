/**
 * Chunk format v1: how a chunk's bytes are stored (chunks table rows and the
 * chunks inside snapshots). FROZEN: once released, v1 bytes must decode with
 * this exact code forever; a new layout is a new module (chunk-v2.ts) plus a
 * migration test that reads v1 bytes written by the old code.
 *
 * Layout (little-endian), 40-byte header then the body:
 *   0  'HXCK'           magic
 *   4  u16 version = 1
 *   6  u16 flags        bit 0: body is PackBits-coded
 *   8  u32 id lo, u32 id hi      chunk id (a safe integer, can exceed 2^32)
 *  16  u32 tick lo, u32 tick hi  tick the bytes were taken at
 *  24  u32 raw length            the engine's chunk bytes, before coding
 *  28  u32 body length
 *  32  u32 FNV-1a of the raw bytes (detects corruption and coding bugs)
 *  36  u32 reserved (0)
 *  40  body
 * The raw bytes are whatever the engine's chunk snapshot gives (its slot
 * planes); v1 does not interpret them, so the engine may evolve its planes
 * under a bump of its own layout version inside those bytes.
 */
import { HexdError } from '../../errors.ts'
import { packbits, unpackbits } from './packbits.ts'

export const CHUNK_V1 = 1
const MAGIC = 0x4b435848 // 'HXCK' read as u32 LE
const HEADER = 40

export interface ChunkRecord {
  id: number
  tick: number
  /** The engine's raw chunk bytes. */
  data: Uint8Array
}

/** FNV-1a 32-bit over `b`. */
export function fnv1a(b: Uint8Array): number {
  let h = 0x811c9dc5
  for (let i = 0; i < b.length; i++) h = Math.imul(h ^ b[i], 0x01000193)
  return h >>> 0
}

const split = (v: number) => [v % 0x100000000, Math.floor(v / 0x100000000)]

/**
 * Encodes a chunk in format v1 (PackBits-coded when that is smaller).
 *
 * @example
 * const bytes = encodeChunkV1({ id: 5, tick: 100, data: engineChunkBytes })
 */
export function encodeChunkV1(rec: ChunkRecord): Uint8Array {
  const packed = packbits(rec.data)
  const coded = packed.length < rec.data.length
  const body = coded ? packed : rec.data
  const out = new Uint8Array(HEADER + body.length)
  const v = new DataView(out.buffer)
  v.setUint32(0, MAGIC, true)
  v.setUint16(4, CHUNK_V1, true)
  v.setUint16(6, coded ? 1 : 0, true)
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

/** Decodes v1 bytes; throws HEXD_BAD_STORED_DATA on any damage. */
export function decodeChunkV1(bytes: Uint8Array): ChunkRecord {
  if (bytes.length < HEADER) throw bad(`${bytes.length} bytes is shorter than the v1 header`)
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  if (v.getUint32(0, true) !== MAGIC) throw bad('bad magic (not a hexd chunk)')
  const version = v.getUint16(4, true)
  if (version !== CHUNK_V1) throw bad(`format version ${version} is not v1`)
  const flags = v.getUint16(6, true)
  const id = v.getUint32(8, true) + v.getUint32(12, true) * 0x100000000
  const tick = v.getUint32(16, true) + v.getUint32(20, true) * 0x100000000
  const rawLen = v.getUint32(24, true), bodyLen = v.getUint32(28, true)
  if (HEADER + bodyLen !== bytes.length) throw bad(`body length ${bodyLen} does not match the ${bytes.length - HEADER} bytes present`)
  const body = bytes.subarray(HEADER)
  let data: Uint8Array
  try {
    data = flags & 1 ? unpackbits(body, rawLen) : body.slice()
  } catch (e) { throw bad((e as Error).message) }
  if (data.length !== rawLen) throw bad(`raw length ${rawLen} does not match ${data.length}`)
  if (fnv1a(data) !== v.getUint32(32, true)) throw bad(`checksum mismatch for chunk ${id}`)
  return { id, tick, data }
}
