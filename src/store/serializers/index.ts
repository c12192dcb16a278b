/**
 * Chunk serializers by format version. Writers always use CURRENT; readers
 * dispatch on the version in the bytes, so rows written by older builds keep
 * loading. Adding v2: write chunk-v2.ts, add it to DECODERS, bump CURRENT.
 */
import { HexdError } from '../../errors.ts'
import { CHUNK_V1, encodeChunkV1, decodeChunkV1, type ChunkRecord } from './chunk-v1.ts'

export type { ChunkRecord }
export const CURRENT_CHUNK_FORMAT = CHUNK_V1

const DECODERS: Record<number, (b: Uint8Array) => ChunkRecord> = { [CHUNK_V1]: decodeChunkV1 }

/** The format version stored in `bytes` (u16 at offset 4). */
export function chunkFormatOf(bytes: Uint8Array): number {
  if (bytes.length < 6) throw new HexdError('HEXD_BAD_STORED_DATA', `stored chunk: ${bytes.length} bytes is too short to hold a format version`)
  return bytes[4] | (bytes[5] << 8)
}

/** Encodes in the current format. */
export function encodeChunk(rec: ChunkRecord): Uint8Array { return encodeChunkV1(rec) }

/** Decodes bytes of any known format version. */
export function decodeChunk(bytes: Uint8Array): ChunkRecord {
  const v = chunkFormatOf(bytes)
  const dec = DECODERS[v]
  if (!dec) throw new HexdError('HEXD_BAD_STORED_DATA', `stored chunk: format version ${v} is unknown to this build (it reads ${Object.keys(DECODERS).map((k) => 'v' + k).join(', ')})`)
  return dec(bytes)
}
