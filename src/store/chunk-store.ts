/**
 * Chunks in memory, persisted write-behind: the cache holds each chunk's raw
 * engine bytes (plus tick and hash); the flusher encodes dirty ones in the
 * current chunk format and upserts them in one statement per batch. A miss
 * loads from the database, else generates from the world seed.
 */
import { DirtyCache, type CacheStats } from './cache.ts'
import { Flusher, type FlusherStats } from './flusher.ts'
import { encodeChunk, decodeChunk, CURRENT_CHUNK_FORMAT } from './serializers/index.ts'
import { writeChunks, loadChunkRow, loadChunkRows } from './rows.ts'
import type { Db } from './db.ts'

export interface ChunkValue { data: Uint8Array; tick: number; hash: string }

export interface ChunkStoreOptions {
  /** World frequency n (for the chunks table's coordinates). */
  size: number
  /** The chunk as generation gives it (cache miss and not stored). */
  generate: (id: number) => ChunkValue
  /** Memory budget of the cache in bytes (default 256 MiB). */
  budgetBytes?: number
  /** Chunks that must stay in memory (e.g. near a player). */
  isPinned?: (id: number) => boolean
  /** Write-behind period (default 1000 ms). */
  intervalMs?: number
  maxBatch?: number
  retryMs?: number
  retryMaxMs?: number
  /** Called before each flush takes dirty entries (to copy fresh bytes in). */
  beforeFlush?: () => void
  /** Called after a batch is durable, with each written chunk's id and hash. */
  onWritten?: (rows: Array<{ id: number; hash: string }>) => void
}

/**
 * @example
 * const chunks = new ChunkStore(db, { size: 256, generate: (id) => world.generateChunk(id) })
 * chunks.start()
 * chunks.put(5, bytes, tick, hash)      // memory now, database within intervalMs
 * const c = chunks.get(5)               // memory only
 * const d = await chunks.load(9)        // memory → database → generate
 */
export class ChunkStore {
  readonly cache: DirtyCache<number, ChunkValue>
  readonly flusher: Flusher<number, ChunkValue>
  constructor(private readonly db: Db, private readonly o: ChunkStoreOptions) {
    this.cache = new DirtyCache<number, ChunkValue>({
      budgetBytes: o.budgetBytes,
      sizeOf: (v) => v.data.byteLength + 64,
      isPinned: o.isPinned,
      onPressure: () => { void this.flusher.kick() },
    })
    this.flusher = new Flusher({
      name: 'chunks', cache: this.cache, intervalMs: o.intervalMs, maxBatch: o.maxBatch, retryMs: o.retryMs, retryMaxMs: o.retryMaxMs, beforeTake: o.beforeFlush,
      write: async (batch) => {
        await writeChunks(this.db, o.size, batch.map((e) => ({ id: e.key, tick: e.value.tick, format: CURRENT_CHUNK_FORMAT, hash: e.value.hash, data: encodeChunk({ id: e.key, tick: e.value.tick, data: e.value.data }) })))
        o.onWritten?.(batch.map((e) => ({ id: e.key, hash: e.value.hash })))
      },
    })
  }

  /** Records a changed chunk (dirty; written behind). */
  put(id: number, data: Uint8Array, tick: number, hash: string): void { this.cache.set(id, { data, tick, hash }) }

  /** The chunk if it is in memory (no I/O). */
  get(id: number): ChunkValue | undefined { return this.cache.get(id) }

  /** Memory, else the database, else generation. */
  load(id: number): Promise<ChunkValue> {
    return this.cache.getOrLoad(id, async () => {
      const row = await loadChunkRow(this.db, id)
      if (!row) return undefined
      const rec = decodeChunk(row.data)
      return { data: rec.data, tick: row.tick, hash: row.hash }
    }, () => this.o.generate(id))
  }

  /**
   * The stored bytes of `ids` (memory if cached, else one query), in order;
   * undefined where the database has no row. Not cached: a caller that wants
   * the bytes in memory keeps them itself (the engine parks them).
   */
  async fetchMany(ids: readonly number[]): Promise<Array<Uint8Array | undefined>> {
    const out = new Map<number, Uint8Array>()
    const missing: number[] = []
    for (const id of ids) { const v = this.cache.has(id) ? this.cache.get(id) : undefined; if (v) out.set(id, v.data); else missing.push(id) }
    for (const row of await loadChunkRows(this.db, missing)) out.set(Number(row.id), decodeChunk(row.data).data)
    return ids.map((id) => out.get(id))
  }

  start(): void { this.flusher.start() }
  stop(): void { this.flusher.stop() }
  /** Writes every dirty chunk (retrying; `attempts` bounds consecutive failures). */
  flushAll(attempts?: number): Promise<void> { return this.flusher.flushAll(attempts) }
  stats(): { cache: CacheStats; flusher: FlusherStats } { return { cache: this.cache.stats(), flusher: this.flusher.stats() } }
}
