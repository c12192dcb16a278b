/**
 * World snapshots: the whole world state as bytes, and back.
 *
 * Format (little-endian): 'HXWS' u32 magic, u32 version (1), u32 JSON length,
 * the JSON meta {seed, size, tick, activeRadius, allActive, players}, padding
 * to 4 bytes, u32 chunk count, then that many chunks in World.chunkBytes
 * format (CHUNK_BYTES each), ascending chunk id: every chunk that is state
 * (needed resident chunks and modified chunks). Restoring gives the same world hash.
 */
import { World, type WorldOptions } from './world.ts'
import { CHUNK_BYTES } from './chunkset.ts'
import { Players, type PlayerRec } from './players.ts'
import { SH, SLOT_FLAG, WH } from './layout.ts'
import { hi32, lo32 } from './hash.ts'
import { HexdError } from '../errors.ts'

const MAGIC = 0x53575848 // 'HXWS'
const VERSION = 1

/** An evicted chunk left out of a snapshot (zeros at `offset`): fill it with fillSnapshotHoles. */
export interface SnapshotHole { chunk: number; offset: number; lo: number; hi: number }

interface Meta { seed: number; size: number; tick: number; activeRadius: number; allActive: boolean; players: PlayerRec[] }

/**
 * Serialises a world. Evicted chunks (World.evictChunk) are not in memory: pass
 * `opts.holes` to leave them as zeros and get their places listed (then fill
 * them with fillSnapshotHoles); without it they throw HEXD_CHUNK_LOADING.
 * @example const bytes = snapshotWorld(world); const again = restoreWorld(bytes)
 */
export function snapshotWorld(w: World, opts: { holes?: SnapshotHole[] } = {}): Uint8Array {
  const meta: Meta = { seed: w.seed, size: w.size, tick: w.tick, activeRadius: w.activeRadius, allActive: w.allActive, players: w.players.toJSON() }
  const json = new TextEncoder().encode(JSON.stringify(meta))
  const chunks = w.chunks.stateChunks()
  const head = 12 + ((json.length + 3) & ~3) + 4
  const out = new Uint8Array(head + chunks.length * CHUNK_BYTES)
  const v = new DataView(out.buffer)
  v.setUint32(0, MAGIC, true)
  v.setUint32(4, VERSION, true)
  v.setUint32(8, json.length, true)
  out.set(json, 12)
  v.setUint32(head - 4, chunks.length, true)
  chunks.forEach((c, k) => {
    const ev = opts.holes ? w.chunks.evicted.get(c) : undefined
    if (ev) opts.holes!.push({ chunk: c, offset: head + k * CHUNK_BYTES, lo: ev[SH.HASH_LO], hi: ev[SH.HASH_HI] })
    else out.set(w.chunkBytes(c), head + k * CHUNK_BYTES)
  })
  return out
}

/**
 * Writes the evicted chunks' bytes (`bytes[k]` for `holes[k]`, fetched from a
 * store) into a snapshot. Each must be the chunk with the hash it had when the
 * snapshot was taken, else HEXD_BAD_STORED_DATA (the store's copy moved on).
 */
export function fillSnapshotHoles(snapshot: Uint8Array, holes: readonly SnapshotHole[], bytes: ReadonlyArray<Uint8Array | undefined>): void {
  holes.forEach((h, k) => {
    const b = bytes[k]
    const g = b && b.length === CHUNK_BYTES ? new Uint32Array(b.buffer.slice(b.byteOffset + 16, b.byteOffset + 16 + 64)) : undefined
    if (!g || g[SH.CHUNK_LO] + g[SH.CHUNK_HI] * 4294967296 !== h.chunk || g[SH.HASH_LO] !== h.lo || g[SH.HASH_HI] !== h.hi) {
      throw new HexdError('HEXD_BAD_STORED_DATA', `the stored bytes of chunk ${h.chunk} are not the ones the snapshot needs (missing, or changed since)`, { field: 'chunk' })
    }
    snapshot.set(b!, h.offset)
  })
}

/**
 * Rebuilds a world from snapshotWorld bytes. `opts` may add a backend,
 * allocator or chunk loader (seed and size come from the snapshot).
 */
export function restoreWorld(bytes: Uint8Array, opts: Partial<WorldOptions> = {}): World {
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  if (bytes.length < 16 || v.getUint32(0, true) !== MAGIC || v.getUint32(4, true) !== VERSION) {
    throw new HexdError('HEXD_BAD_STORED_DATA', `not a hexd world snapshot v${VERSION} (${bytes.length} bytes)`)
  }
  const jl = v.getUint32(8, true)
  const meta = JSON.parse(new TextDecoder().decode(bytes.subarray(12, 12 + jl))) as Meta
  const head = 12 + ((jl + 3) & ~3) + 4
  const count = v.getUint32(head - 4, true)
  if (bytes.length !== head + count * CHUNK_BYTES) throw new HexdError('HEXD_BAD_STORED_DATA', `world snapshot is truncated (${bytes.length} bytes, expected ${head + count * CHUNK_BYTES})`)
  const stored = new Map<number, Uint8Array>()
  for (let k = 0; k < count; k++) {
    const b = bytes.slice(head + k * CHUNK_BYTES, head + (k + 1) * CHUNK_BYTES)
    const h = new Uint32Array(b.buffer, 16, 16)
    stored.set(h[SH.CHUNK_LO] + h[SH.CHUNK_HI] * 4294967296, b)
  }
  const userLoad = opts.loadChunk
  const w = new World({
    ...opts, seed: meta.seed, size: meta.size, activeRadius: meta.activeRadius, allActive: meta.allActive,
    loadChunk: (c) => stored.get(c) ?? userLoad?.(c),
  })
  // Modified chunks come back parked (setPlayers then loads the needed ones);
  // unmodified ones are only a faster loadChunk than regenerating.
  for (const [c, b] of stored) {
    const h = new Uint32Array(b.buffer, 16, 16)
    if (w.chunks.slotOf(c) !== undefined || (h[SH.FLAGS] & SLOT_FLAG.MODIFIED) === 0) continue
    w.chunks.parked.set(c, b)
    if (h[SH.STRUCTURES] > 0) w.chunks.structChunks.add(c)
  }
  w.chunks.wh[WH.TICK_LO] = lo32(meta.tick)
  w.chunks.wh[WH.TICK_HI] = hi32(meta.tick)
  w.setPlayers(Players.fromJSON(meta.players))
  return w
}
