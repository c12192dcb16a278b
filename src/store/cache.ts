/**
 * The in-memory cache (the seed's ETS layer): a Map of records with dirty
 * tracking and LRU eviction under a memory budget.
 *
 * - Reads (`get`) are a Map lookup plus an LRU touch: no I/O, no allocation.
 * - Writes (`set`) replace the value, mark it dirty and bump its version; the
 *   write-behind flusher (flusher.ts) takes dirty entries and, once the database
 *   confirmed them, `markClean(key, version)` clears the flag only if nothing
 *   newer was written meanwhile (so a write racing a flush is never lost).
 * - Eviction drops the least recently used *clean*, unpinned entries while the
 *   cache is over budget. Dirty entries are never dropped: when they alone keep
 *   it over budget, `onPressure` asks the flusher to flush now.
 * - A miss goes `getOrLoad`: database, else generate (e.g. from the world seed).
 *
 * JS Map iteration order is insertion order, so "delete + set" on access keeps
 * the Map itself in LRU order (oldest first) with no extra list.
 */

export interface CacheOptions<K, V> {
  /** Memory budget in bytes (default 256 MiB). */
  budgetBytes?: number
  /** Bytes a value occupies (default 1 per entry). */
  sizeOf?: (v: V) => number
  /** Entries that must stay (e.g. chunks near a player); default none. */
  isPinned?: (key: K) => boolean
  /** Called when dirty entries keep the cache over budget. */
  onPressure?: () => void
}

interface Entry<V> { value: V; dirty: boolean; version: number; size: number }

export interface DirtyEntry<K, V> { key: K; value: V; version: number }

export interface CacheStats { entries: number; dirty: number; bytes: number; budgetBytes: number; hits: number; misses: number; evictions: number }

/**
 * @example
 * const c = new DirtyCache<number, Uint8Array>({ budgetBytes: 1 << 20, sizeOf: (b) => b.length })
 * c.set(7, bytes)            // dirty
 * const batch = c.dirtyEntries()
 * // … write batch …
 * for (const e of batch) c.markClean(e.key, e.version)
 */
export class DirtyCache<K, V> {
  private readonly m = new Map<K, Entry<V>>()
  private bytes = 0
  private dirtyCount = 0
  private hits = 0
  private misses = 0
  private evictions = 0
  readonly budgetBytes: number
  private readonly sizeOf: (v: V) => number
  private readonly isPinned: (key: K) => boolean
  private readonly onPressure?: () => void

  constructor(opts: CacheOptions<K, V> = {}) {
    this.budgetBytes = opts.budgetBytes ?? 256 * 1024 * 1024
    this.sizeOf = opts.sizeOf ?? (() => 1)
    this.isPinned = opts.isPinned ?? (() => false)
    this.onPressure = opts.onPressure
  }

  /** The value in memory (undefined on a miss), marking it most recently used. */
  get(key: K): V | undefined {
    const e = this.m.get(key)
    if (e === undefined) { this.misses++; return undefined }
    this.hits++
    this.m.delete(key)
    this.m.set(key, e)
    return e.value
  }

  /** True when the key is in memory (no LRU touch). */
  has(key: K): boolean { return this.m.has(key) }

  /** True when the key is in memory and not yet written to the database. */
  isDirty(key: K): boolean { return this.m.get(key)?.dirty ?? false }

  /** The entry's write version (bumped by every set), or undefined when absent. */
  version(key: K): number | undefined { return this.m.get(key)?.version }

  /** Stores `value`; dirty unless `clean` (a value just read from the database). */
  set(key: K, value: V, opts: { clean?: boolean } = {}): void {
    const old = this.m.get(key)
    const size = this.sizeOf(value)
    if (old) {
      this.bytes -= old.size
      if (old.dirty) this.dirtyCount--
      this.m.delete(key)
    }
    const dirty = !opts.clean
    this.m.set(key, { value, dirty, version: (old?.version ?? 0) + 1, size })
    this.bytes += size
    if (dirty) this.dirtyCount++
    if (this.bytes > this.budgetBytes) this.evict()
  }

  /** The dirty entries, oldest first (at most `limit`), with the version to confirm. */
  dirtyEntries(limit = Infinity): DirtyEntry<K, V>[] {
    const out: DirtyEntry<K, V>[] = []
    if (this.dirtyCount === 0) return out
    for (const [key, e] of this.m) {
      if (!e.dirty) continue
      out.push({ key, value: e.value, version: e.version })
      if (out.length >= limit) break
    }
    return out
  }

  /** Clears the dirty flag of `key` if it still holds `version` (the one written). */
  markClean(key: K, version: number): boolean {
    const e = this.m.get(key)
    if (!e || !e.dirty || e.version !== version) return false
    e.dirty = false
    this.dirtyCount--
    return true
  }

  /**
   * Evicts least-recently-used clean unpinned entries until within budget.
   * Returns how many were evicted.
   */
  evict(): number {
    let n = 0
    if (this.bytes <= this.budgetBytes) return 0
    for (const [key, e] of this.m) {
      if (this.bytes <= this.budgetBytes) break
      if (e.dirty || this.isPinned(key)) continue
      this.m.delete(key)
      this.bytes -= e.size
      n++
    }
    this.evictions += n
    if (this.bytes > this.budgetBytes && this.dirtyCount > 0) this.onPressure?.()
    return n
  }

  /**
   * Evicts least-recently-used clean unpinned entries until the cache holds at
   * most `limitBytes` (a tighter limit than the budget, e.g. when another
   * consumer shares the budget). Returns how many were evicted.
   */
  evictTo(limitBytes: number): number {
    let n = 0
    for (const [key, e] of this.m) {
      if (this.bytes <= limitBytes) break
      if (e.dirty || this.isPinned(key)) continue
      this.m.delete(key)
      this.bytes -= e.size
      n++
    }
    this.evictions += n
    return n
  }

  /**
   * The value from memory, else `load()` (the database; cached clean), else
   * `generate()` (cached clean too: it equals what generation gives again).
   */
  async getOrLoad(key: K, load: () => Promise<V | undefined>, generate: () => V): Promise<V> {
    const hit = this.get(key)
    if (hit !== undefined) return hit
    const loaded = await load()
    // A write may have landed while the load was in flight: it wins.
    const raced = this.m.get(key)
    if (raced) return raced.value
    const value = loaded ?? generate()
    this.set(key, value, { clean: true })
    return value
  }

  stats(): CacheStats {
    return { entries: this.m.size, dirty: this.dirtyCount, bytes: this.bytes, budgetBytes: this.budgetBytes, hits: this.hits, misses: this.misses, evictions: this.evictions }
  }
}
