/**
 * The chunk manager: owns the state buffer, assigns chunks to slots, loads
 * (generates, restores parked or stored bytes) and unloads chunks, writes halo
 * tables and keeps the active set. Residency changes happen only between
 * ticks, as a function of the world state (players, structures), so they are
 * deterministic. Slot indices are not part of the state hash.
 */
import { chunkCount, chunkInfo } from './chunks.ts'
import { CONTENT_VERSION } from './content.ts'
import { COPY_BYTES, LAYOUT_VERSION, SH, SLOT_BYTES, SLOT_FLAG, SLOT_HEADER_BYTES, WH, WORLD_HEADER_BYTES, WORLD_MAGIC, bufferBytes, slotOffset } from './layout.ts'
import { generateChunk, type Seed } from './generate.ts'
import { buildDirmap, buildHaloSpec, sourcesCache, writeHaloTable, type HaloSpec } from './halo.ts'
import { chunkHashOf, slotView, type SlotView } from './slot.ts'
import { hi32, lo32 } from './hash.ts'
import { HexdError } from '../errors.ts'

export interface ChunkSetOptions {
  seed: Seed
  n: number
  /** Initial slot capacity (grows by doubling when needed). */
  capacity?: number
  /** Allocates the state buffer (e.g. shared memory); default a plain ArrayBuffer. */
  allocate?: (bytes: number) => ArrayBufferLike
  /** Stored bytes of a chunk (chunkBytes format), or undefined to generate it. */
  loadChunk?: (chunk: number) => Uint8Array | undefined
}

const CHUNK_MAGIC = 0x45435848 // 'HXCE'
const CHUNK_PREFIX = 16
/** Bytes of one serialised chunk (chunkBytes). */
export const CHUNK_BYTES = CHUNK_PREFIX + SLOT_HEADER_BYTES + COPY_BYTES

/** An evicted chunk was needed synchronously before its bytes were fetched back. */
export function evictedError(chunk: number): HexdError {
  return new HexdError('HEXD_CHUNK_LOADING', `chunk ${chunk} is being loaded back from the database; retry shortly`, { field: 'chunk', details: { chunk } })
}

export class ChunkSet {
  readonly n: number
  readonly seed: Seed
  buffer!: ArrayBufferLike
  wh!: Uint32Array
  capacity = 0
  /** Bumped each time the buffer is replaced (growth): views must be rebuilt. */
  bufferVersion = 0
  slots: Array<SlotView | undefined> = []
  dirmaps: Array<Uint8Array | undefined> = []
  readonly slotOfChunk = new Map<number, number>()
  chunkOfSlot: number[] = []
  /** Modified chunks that are not resident: their chunkBytes. */
  readonly parked = new Map<number, Uint8Array>()
  /**
   * Modified chunks whose bytes were handed to a store and dropped from memory
   * (evict): only their slot header is kept (hash, production counters), so the
   * world hash and reports are unchanged. They come back with `unevict`.
   */
  readonly evicted = new Map<number, Uint32Array>()
  /** Chunks (resident or parked) holding at least one structure. */
  readonly structChunks = new Set<number>()
  /** Active slots, in ascending chunk id order. */
  active: number[] = []
  private readonly specs = new Map<number, HaloSpec>()
  private activeIds: number[] = []
  private residentWantSize = -1
  /** The chunks the last setActive made resident (active + their neighbours). */
  residentWant = new Set<number>()
  private readonly sources: (chunk: number) => Float64Array
  private readonly opts: ChunkSetOptions

  constructor(opts: ChunkSetOptions) {
    this.opts = opts
    this.n = opts.n
    this.seed = opts.seed
    this.sources = sourcesCache(opts.n)
    this.allocate(Math.max(1, Math.min(opts.capacity ?? 64, chunkCount(opts.n))))
    this.wh[WH.MAGIC] = WORLD_MAGIC
    this.wh[WH.VERSION] = LAYOUT_VERSION
    this.wh[WH.SEED_LO] = opts.seed.lo
    this.wh[WH.SEED_HI] = opts.seed.hi
    this.wh[WH.N] = opts.n
  }

  /** WriteLog (tick.ts): the mark, bumped by every noteWritten. */
  writes = 0
  /** Per slot, the mark of its last write outside a tick (0: none). */
  private readonly slotWrites: number[] = []

  /**
   * Records that slot `s`'s planes were written outside a tick (both copies,
   * or freed), so a native worker re-copies the halos that read it.
   * @example cs.noteWritten(s)
   */
  noteWritten(s: number): void { this.slotWrites[s] = ++this.writes }

  /** Slots written after `mark`, ascending (WriteLog; O(capacity)). */
  writtenSince(mark: number): number[] {
    const out: number[] = []
    if (mark >= this.writes) return out
    for (let s = 0; s < this.slotWrites.length; s++) if ((this.slotWrites[s] ?? 0) > mark) out.push(s)
    return out
  }

  /** Current copy index (epoch & 1). */
  get cur(): number { return this.wh[WH.EPOCH] & 1 }

  private allocate(capacity: number): void {
    const old = this.buffer
    const buf = this.opts.allocate ? this.opts.allocate(bufferBytes(capacity)) : new ArrayBuffer(bufferBytes(capacity))
    if (old) new Uint8Array(buf).set(new Uint8Array(old, 0, Math.min(old.byteLength, buf.byteLength)))
    this.buffer = buf
    this.wh = new Uint32Array(buf, 0, WORLD_HEADER_BYTES / 4)
    for (let s = this.capacity; s < capacity; s++) this.chunkOfSlot[s] = -1
    this.capacity = capacity
    this.wh[WH.CAPACITY] = capacity
    this.slots = this.chunkOfSlot.map((c, s) => (c >= 0 ? slotView(buf, s) : undefined))
    this.dirmaps = this.slots.map((sv) => (sv ? buildDirmap(sv) : undefined))
    this.bufferVersion++
  }

  /** Slot of a resident chunk. */
  slotOf(chunk: number): number | undefined { return this.slotOfChunk.get(chunk) }

  /** Resident chunk ids, ascending. */
  resident(): number[] { return [...this.slotOfChunk.keys()].sort((a, b) => a - b) }

  /** The slot of `chunk`, loading the chunk first if needed. */
  ensure(chunk: number): number {
    const have = this.slotOfChunk.get(chunk)
    if (have !== undefined) return have
    let s = this.chunkOfSlot.indexOf(-1)
    if (s < 0) {
      s = this.capacity
      this.allocate(this.capacity * 2)
    }
    if (this.evicted.has(chunk)) throw evictedError(chunk)
    const sv = slotView(this.buffer, s)
    const bytes = this.parked.get(chunk) ?? this.opts.loadChunk?.(chunk)
    this.noteWritten(s) // restored or generated below (or zero-filled on failure)
    if (bytes) {
      try {
        this.restoreInto(sv, chunk, bytes)
      } catch (err) {
        new Uint8Array(this.buffer, slotOffset(s), SLOT_BYTES).fill(0) // leave the slot free and clean
        throw err
      }
    }
    this.slots[s] = sv
    this.chunkOfSlot[s] = chunk
    this.slotOfChunk.set(chunk, s)
    this.parked.delete(chunk)
    if (!bytes) {
      generateChunk(this.seed, this.n, chunk, sv.copies, sv.hdr)
      const [lo, hi] = chunkHashOf(sv.copies[0], sv.hdr)
      sv.hdr[SH.HASH_LO] = lo
      sv.hdr[SH.HASH_HI] = hi
    }
    if (sv.hdr[SH.STRUCTURES] > 0) this.structChunks.add(chunk)
    this.dirmaps[s] = buildDirmap(sv)
    return s
  }

  /** Serialises a resident chunk's current state (CHUNK_BYTES bytes). */
  chunkBytes(chunk: number): Uint8Array {
    const s = this.slotOfChunk.get(chunk)
    if (s === undefined) {
      const p = this.parked.get(chunk)
      if (p) return p.slice()
      if (this.evicted.has(chunk)) throw evictedError(chunk)
      throw new HexdError('HEXD_BAD_CHUNK', `chunk ${chunk} is not loaded`, { field: 'chunk' })
    }
    const sv = this.slots[s]!
    const out = new Uint8Array(CHUNK_BYTES)
    const u32 = new Uint32Array(out.buffer, 0, CHUNK_PREFIX / 4)
    u32[0] = CHUNK_MAGIC
    u32[1] = LAYOUT_VERSION
    u32[2] = CONTENT_VERSION
    out.set(new Uint8Array(this.buffer, slotOffset(s), SLOT_HEADER_BYTES), CHUNK_PREFIX)
    out.set(sv.copies[this.cur].all, CHUNK_PREFIX + SLOT_HEADER_BYTES)
    return out
  }

  private restoreInto(sv: SlotView, chunk: number, bytes: Uint8Array): void {
    const u32 = bytes.length === CHUNK_BYTES ? new Uint32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + CHUNK_PREFIX)) : undefined
    if (!u32 || u32[0] !== CHUNK_MAGIC || u32[1] !== LAYOUT_VERSION) {
      throw new HexdError('HEXD_BAD_STORED_DATA', `stored bytes of chunk ${chunk} are not a layout v${LAYOUT_VERSION} chunk (${bytes.length} bytes, expected ${CHUNK_BYTES})`, { field: 'chunk' })
    }
    new Uint8Array(sv.hdr.buffer, sv.hdr.byteOffset, SLOT_HEADER_BYTES).set(bytes.subarray(CHUNK_PREFIX, CHUNK_PREFIX + SLOT_HEADER_BYTES))
    const id = sv.hdr[SH.CHUNK_LO] + sv.hdr[SH.CHUNK_HI] * 4294967296
    if (id !== chunk) throw new HexdError('HEXD_BAD_STORED_DATA', `stored bytes hold chunk ${id}, not ${chunk}`, { field: 'chunk' })
    const planes = bytes.subarray(CHUNK_PREFIX + SLOT_HEADER_BYTES)
    sv.copies[0].all.set(planes)
    sv.copies[1].all.set(planes)
    sv.hdr[SH.FLAGS] = (sv.hdr[SH.FLAGS] & SLOT_FLAG.MODIFIED) | SLOT_FLAG.USED
    sv.hdr[SH.HALO_COUNT] = 0
  }

  /** Unloads a resident chunk: parks its bytes when modified, frees the slot. */
  unload(chunk: number): void {
    const s = this.slotOfChunk.get(chunk)
    if (s === undefined) return
    const sv = this.slots[s]!
    if ((sv.hdr[SH.FLAGS] & SLOT_FLAG.MODIFIED) !== 0) this.parked.set(chunk, this.chunkBytes(chunk))
    else this.structChunks.delete(chunk)
    new Uint8Array(this.buffer, slotOffset(s), SLOT_BYTES).fill(0)
    this.noteWritten(s)
    this.slots[s] = undefined
    this.dirmaps[s] = undefined
    this.chunkOfSlot[s] = -1
    this.slotOfChunk.delete(chunk)
    this.specs.delete(chunk) // halo specs are rebuilt on demand; keep memory bounded by the resident set
  }

  /**
   * Drops a parked chunk's bytes from memory (the caller has stored them),
   * keeping its header. Refused (false) for chunks that are resident, not
   * modified, or hold structures (those are always active).
   */
  evict(chunk: number): boolean {
    const b = this.parked.get(chunk)
    if (!b || this.structChunks.has(chunk)) return false
    this.evicted.set(chunk, new Uint32Array(b.buffer.slice(b.byteOffset + CHUNK_PREFIX, b.byteOffset + CHUNK_PREFIX + SLOT_HEADER_BYTES)))
    this.parked.delete(chunk)
    return true
  }

  /**
   * Gives an evicted chunk its bytes back (it becomes parked again). The bytes
   * must be the ones evicted: same chunk id and same chunk hash, else
   * HEXD_BAD_STORED_DATA (determinism: a chunk is the same from memory or a store).
   */
  unevict(chunk: number, bytes: Uint8Array): void {
    const h = this.evicted.get(chunk)
    if (!h) return
    if (bytes.length !== CHUNK_BYTES) throw new HexdError('HEXD_BAD_STORED_DATA', `stored bytes of evicted chunk ${chunk} have ${bytes.length} bytes, expected ${CHUNK_BYTES}`, { field: 'chunk' })
    const u32 = new Uint32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + CHUNK_PREFIX + SLOT_HEADER_BYTES))
    const g = u32.subarray(CHUNK_PREFIX / 4)
    if (u32[0] !== CHUNK_MAGIC || u32[1] !== LAYOUT_VERSION) throw new HexdError('HEXD_BAD_STORED_DATA', `stored bytes of evicted chunk ${chunk} are not a layout v${LAYOUT_VERSION} chunk`, { field: 'chunk' })
    if (g[SH.CHUNK_LO] + g[SH.CHUNK_HI] * 4294967296 !== chunk || g[SH.HASH_LO] !== h[SH.HASH_LO] || g[SH.HASH_HI] !== h[SH.HASH_HI]) {
      throw new HexdError('HEXD_BAD_STORED_DATA', `stored bytes of evicted chunk ${chunk} are not the ones evicted (chunk or hash differs)`, { field: 'chunk' })
    }
    this.parked.set(chunk, bytes)
    this.evicted.delete(chunk)
  }

  private spec(chunk: number): HaloSpec {
    let sp = this.specs.get(chunk)
    if (!sp) {
      sp = buildHaloSpec(this.n, chunk, this.sources)
      this.specs.set(chunk, sp)
    }
    return sp
  }

  /**
   * Makes exactly `activeChunks` active (pole chunks are never active) and
   * their neighbours resident; unloads the rest. Writes halo tables of active
   * slots. Slots leaving the active set get their two copies synchronised.
   */
  setActive(activeChunks: readonly number[], neighboursOf: (chunk: number) => number[]): void {
    const want = [...new Set(activeChunks)].filter((c) => chunkInfo(this.n, c).pole === null).sort((a, b) => a - b)
    // Fast path (most steps): same active set and no chunk loaded since (only
    // setActive unloads, so an unchanged resident count means nothing was loaded).
    if (this.residentWantSize === this.slotOfChunk.size && want.length === this.activeIds.length && want.every((c, k) => c === this.activeIds[k])) return
    const residentWant = new Set<number>(want)
    for (const c of want) for (const nb of neighboursOf(c)) residentWant.add(nb)
    const wasActive = new Set(this.active.map((s) => this.chunkOfSlot[s]))
    for (const c of this.resident()) if (!residentWant.has(c)) this.unload(c)
    for (const c of [...residentWant].sort((a, b) => a - b)) this.ensure(c)
    const cur = this.cur
    for (const c of wasActive) {
      if (residentWant.has(c) && !want.includes(c)) {
        const s = this.slotOfChunk.get(c)!
        const sv = this.slots[s]!
        sv.copies[cur ^ 1].all.set(sv.copies[cur].all)
        this.noteWritten(s)
        sv.hdr[SH.FLAGS] &= ~SLOT_FLAG.ACTIVE
      }
    }
    this.active = want.map((c) => this.slotOfChunk.get(c)!)
    this.activeIds = want
    this.residentWantSize = residentWant.size
    this.residentWant = residentWant
    for (const s of this.active) {
      const sv = this.slots[s]!
      const chunk = this.chunkOfSlot[s]
      if (!wasActive.has(chunk)) sv.hdr[SH.FLAGS] = (sv.hdr[SH.FLAGS] | SLOT_FLAG.ACTIVE) & ~SLOT_FLAG.ASLEEP
      writeHaloTable(sv, this.spec(chunk), (c) => this.slotOfChunk.get(c))
      this.dirmaps[s] = buildDirmap(sv)
    }
    this.wh[WH.ACTIVE_COUNT] = this.active.length
  }

  /** Chunks that are state: resident because needed, or modified (resident or parked), ascending. */
  stateChunks(): number[] {
    return this.hashLeaves().map((l) => l.chunk).sort((a, b) => a - b)
  }

  /** Leaves (chunk, hash) of every chunk that is state (see stateChunks). */
  hashLeaves(): Array<{ chunk: number; lo: number; hi: number }> {
    const out: Array<{ chunk: number; lo: number; hi: number }> = []
    for (const [chunk, s] of this.slotOfChunk) {
      const h = this.slots[s]!.hdr
      // A chunk loaded only to be read (not needed, unmodified) is not state: it
      // is dropped at the next step, so it must not change the hash meanwhile.
      if (!this.residentWant.has(chunk) && (h[SH.FLAGS] & SLOT_FLAG.MODIFIED) === 0) continue
      out.push({ chunk, lo: h[SH.HASH_LO], hi: h[SH.HASH_HI] })
    }
    for (const [chunk, bytes] of this.parked) {
      const u32 = new Uint32Array(bytes.buffer.slice(bytes.byteOffset + CHUNK_PREFIX, bytes.byteOffset + CHUNK_PREFIX + 64))
      out.push({ chunk, lo: u32[SH.HASH_LO], hi: u32[SH.HASH_HI] })
    }
    for (const [chunk, h] of this.evicted) out.push({ chunk, lo: h[SH.HASH_LO], hi: h[SH.HASH_HI] })
    return out
  }

  /** Commits a tick: epoch + 1, tick = `tick`. */
  commit(tick: number): void {
    this.wh[WH.EPOCH] = (this.wh[WH.EPOCH] + 1) >>> 0
    this.wh[WH.TICK_LO] = lo32(tick)
    this.wh[WH.TICK_HI] = hi32(tick)
  }
}
