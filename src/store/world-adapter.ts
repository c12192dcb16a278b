/**
 * The seam between the engine's world snapshot bytes (src/engine/snapshot.ts,
 * 'HXWS' v1: JSON meta + raw CHUNK_BYTES chunks) and the store's snapshot
 * format v1 (serializers/snapshot-v1.ts: the same meta + each chunk in chunk
 * format v1, PackBits-coded and checksummed). Converting keeps what is stored
 * under the store's own versioned, frozen format, and makes it several times
 * smaller, while the engine stays free to restore from its own bytes.
 */
import { HexdError } from '../errors.ts'
import { CHUNK_BYTES, layout } from '../engine/index.ts'
import { encodeSnapshotV1, decodeSnapshotV1, assembleSnapshotV1, SNAPSHOT_V1 } from './serializers/snapshot-v1.ts'
import { encodeChunkV1 } from './serializers/chunk-v1.ts'

const ENGINE_MAGIC = 0x53575848 // 'HXWS'
const CHUNK_PREFIX = 16 // engine chunk bytes: 16-byte prefix, then the slot header

/** Format number stored in snapshots.format for rows written by this code. */
export const STORED_SNAPSHOT_FORMAT = SNAPSHOT_V1

/** The chunk id inside engine chunk bytes. */
function chunkIdOf(b: Uint8Array): number {
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength)
  return v.getUint32(CHUNK_PREFIX + layout.SH.CHUNK_LO * 4, true) + v.getUint32(CHUNK_PREFIX + layout.SH.CHUNK_HI * 4, true) * 4294967296
}

function parseEngine(engine: Uint8Array): { meta: Record<string, unknown>; chunks: Array<{ id: number; tick: number; data: Uint8Array }> } {
  const v = new DataView(engine.buffer, engine.byteOffset, engine.byteLength)
  if (engine.length < 16 || v.getUint32(0, true) !== ENGINE_MAGIC) throw new HexdError('HEXD_INTERNAL', 'toStoredSnapshot: not an engine world snapshot')
  const engineVersion = v.getUint32(4, true)
  const jl = v.getUint32(8, true)
  const world = JSON.parse(new TextDecoder().decode(engine.subarray(12, 12 + jl))) as Record<string, unknown>
  const head = 12 + ((jl + 3) & ~3) + 4
  const count = v.getUint32(head - 4, true)
  const tick = Number(world.tick ?? 0)
  const chunks = []
  for (let k = 0; k < count; k++) {
    const data = engine.subarray(head + k * CHUNK_BYTES, head + (k + 1) * CHUNK_BYTES)
    chunks.push({ id: chunkIdOf(data), tick, data })
  }
  return { meta: { engineVersion, chunkBytes: CHUNK_BYTES, world }, chunks }
}

/** Engine snapshot bytes → stored snapshot v1 bytes. */
export function toStoredSnapshot(engine: Uint8Array): Uint8Array {
  const { meta, chunks } = parseEngine(engine)
  return encodeSnapshotV1({ meta, chunks })
}

/**
 * The same, yielding to the event loop every `yieldEvery` chunks: coding a
 * chunk takes about a millisecond, so a large world would otherwise stall
 * the tick loop for as many milliseconds as it has chunks.
 */
export async function toStoredSnapshotAsync(engine: Uint8Array, yieldEvery = 4): Promise<Uint8Array> {
  const { meta, chunks } = parseEngine(engine)
  const encoded: Uint8Array[] = []
  for (let k = 0; k < chunks.length; k++) {
    encoded.push(encodeChunkV1(chunks[k]))
    if (k % yieldEvery === yieldEvery - 1) await new Promise((r) => setImmediate(r))
  }
  return assembleSnapshotV1(meta, encoded)
}

/** Stored snapshot v1 bytes → engine snapshot bytes (for restoreWorld). */
export function fromStoredSnapshot(stored: Uint8Array, format: number): Uint8Array {
  if (format !== SNAPSHOT_V1) throw new HexdError('HEXD_BAD_STORED_DATA', `stored snapshot: format ${format} is unknown to this build (it reads v${SNAPSHOT_V1})`)
  const { meta, chunks } = decodeSnapshotV1(stored)
  if (meta.chunkBytes !== CHUNK_BYTES) {
    throw new HexdError('HEXD_BAD_STORED_DATA', `stored snapshot: chunks of ${String(meta.chunkBytes)} bytes, but this engine's chunks are ${CHUNK_BYTES} bytes (an engine layout change needs a snapshot migration)`)
  }
  const json = new TextEncoder().encode(JSON.stringify(meta.world))
  const head = 12 + ((json.length + 3) & ~3) + 4
  const out = new Uint8Array(head + chunks.length * CHUNK_BYTES)
  const v = new DataView(out.buffer)
  v.setUint32(0, ENGINE_MAGIC, true)
  v.setUint32(4, Number(meta.engineVersion), true)
  v.setUint32(8, json.length, true)
  out.set(json, 12)
  v.setUint32(head - 4, chunks.length, true)
  chunks.forEach((c, k) => out.set(c.data, head + k * CHUNK_BYTES))
  return out
}
