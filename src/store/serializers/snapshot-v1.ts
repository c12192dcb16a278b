/**
 * World snapshot format v1: a container of chunks (each in chunk format v1)
 * plus the world's non-chunk state as JSON (seed, size, tick, players, …, as
 * the engine gives it). FROZEN like chunk-v1: a new layout is a new module.
 *
 * Layout (little-endian):
 *   0  'HXSN'   magic
 *   4  u16 version = 1, u16 reserved
 *   8  u32 JSON length L, then L bytes of UTF-8 JSON (the `meta`)
 *      u32 chunk count C, then C × (u32 length N, N bytes of chunk v1)
 */
import { HexdError } from '../../errors.ts'
import { encodeChunkV1, decodeChunkV1, type ChunkRecord } from './chunk-v1.ts'

export const SNAPSHOT_V1 = 1
const MAGIC = 0x4e535848 // 'HXSN'

export interface WorldSnapshot {
  /** JSON-able world state that is not chunk bytes. */
  meta: Record<string, unknown>
  chunks: ChunkRecord[]
}

/** Encodes a world snapshot in format v1. */
export function encodeSnapshotV1(s: WorldSnapshot): Uint8Array {
  return assembleSnapshotV1(s.meta, s.chunks.map(encodeChunkV1))
}

/** Builds snapshot v1 bytes from the meta and chunks already encoded with encodeChunkV1. */
export function assembleSnapshotV1(meta: Record<string, unknown>, encodedChunks: Uint8Array[]): Uint8Array {
  const json = new TextEncoder().encode(JSON.stringify(meta))
  let len = 12 + json.length + 4
  for (const c of encodedChunks) len += 4 + c.length
  const out = new Uint8Array(len)
  const v = new DataView(out.buffer)
  v.setUint32(0, MAGIC, true); v.setUint16(4, SNAPSHOT_V1, true)
  v.setUint32(8, json.length, true); out.set(json, 12)
  let o = 12 + json.length
  v.setUint32(o, encodedChunks.length, true); o += 4
  for (const c of encodedChunks) { v.setUint32(o, c.length, true); out.set(c, o + 4); o += 4 + c.length }
  return out
}

function bad(msg: string): HexdError { return new HexdError('HEXD_BAD_STORED_DATA', `stored snapshot: ${msg}`) }

/** Decodes v1 snapshot bytes; throws HEXD_BAD_STORED_DATA on damage. */
export function decodeSnapshotV1(bytes: Uint8Array): WorldSnapshot {
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  if (bytes.length < 16 || v.getUint32(0, true) !== MAGIC) throw bad('bad magic (not a hexd snapshot)')
  const version = v.getUint16(4, true)
  if (version !== SNAPSHOT_V1) throw bad(`format version ${version} is not v1`)
  const jl = v.getUint32(8, true)
  if (12 + jl + 4 > bytes.length) throw bad('truncated metadata')
  let meta: Record<string, unknown>
  try { meta = JSON.parse(new TextDecoder().decode(bytes.subarray(12, 12 + jl))) } catch (e) { throw bad(`metadata is not JSON: ${(e as Error).message}`) }
  let o = 12 + jl
  const count = v.getUint32(o, true); o += 4
  const chunks: ChunkRecord[] = []
  for (let i = 0; i < count; i++) {
    if (o + 4 > bytes.length) throw bad(`truncated at chunk ${i} of ${count}`)
    const n = v.getUint32(o, true); o += 4
    if (o + n > bytes.length) throw bad(`truncated inside chunk ${i} of ${count}`)
    chunks.push(decodeChunkV1(bytes.subarray(o, o + n))); o += n
  }
  if (o !== bytes.length) throw bad(`${bytes.length - o} trailing bytes`)
  return { meta, chunks }
}
