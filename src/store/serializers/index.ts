/**
 * Chunk serializers by format version. Writers always use CURRENT; readers
 * dispatch on the version in the bytes, so rows written by older builds keep
 * loading. v1 = PackBits (chunk-v1.ts), v2 = DEFLATE (chunk-v2.ts, current).
 * Adding v3: write chunk-v3.ts, add it to DECODERS, bump CURRENT, and test
 * that v1 and v2 bytes still load (test/store/serializer.test.ts).
 */
import { HexdError } from '../../errors.ts'
import { CHUNK_V1, decodeChunkV1, type ChunkRecord } from './chunk-v1.ts'
import { CHUNK_V2, encodeChunkV2, decodeChunkV2 } from './chunk-v2.ts'

export type { ChunkRecord }
export const CURRENT_CHUNK_FORMAT = CHUNK_V2

const DECODERS: Record<number, (b: Uint8Array) => ChunkRecord> = { [CHUNK_V1]: decodeChunkV1, [CHUNK_V2]: decodeChunkV2 }

/** The format version stored in `bytes` (u16 at offset 4). */
export function chunkFormatOf(bytes: Uint8Array): number {
  if (bytes.length < 6) throw new HexdError('HEXD_BAD_STORED_DATA', `stored chunk: ${bytes.length} bytes is too short to hold a format version`)
  return bytes[4] | (bytes[5] << 8)
}

/**
 * Encodes in the current format (v2).
 *
 * @example
 * const bytes = encodeChunk({ id: 5, tick: 100, data: world.chunkBytes(5) })
 * chunkFormatOf(bytes) // 2
 */
export function encodeChunk(rec: ChunkRecord): Uint8Array { return encodeChunkV2(rec) }

/** Decodes bytes of any known format version. */
export function decodeChunk(bytes: Uint8Array): ChunkRecord {
  const v = chunkFormatOf(bytes)
  const dec = DECODERS[v]
  if (!dec) throw new HexdError('HEXD_BAD_STORED_DATA', `stored chunk: format version ${v} is unknown to this build (it reads ${Object.keys(DECODERS).map((k) => 'v' + k).join(', ')})`)
  return dec(bytes)
}
