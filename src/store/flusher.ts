/**
 * The write-behind flusher: every `intervalMs` (or when kicked) it takes the
 * cache's dirty entries, writes them in one batch, and marks them clean.
 *
 * - One flush in flight at a time; a kick during a flush runs one more after.
 * - Coalescing: the cache holds one value per key, so ten writes to a record
 *   between flushes cost one row.
 * - On failure the batch is kept: its entries stay dirty (so they can neither
 *   be evicted nor lost) and the next attempt, after an exponential backoff
 *   (`retryMs` doubling up to `retryMaxMs`), rewrites them with any newer value.
 */
import type { DirtyCache, DirtyEntry } from './cache.ts'
import { log } from './log.ts'

export interface FlusherOptions<K, V> {
  cache: DirtyCache<K, V>
  /** Writes one batch durably (one transaction / statement). */
  write: (batch: DirtyEntry<K, V>[]) => Promise<void>
  /** Called just before each take, e.g. to copy fresh bytes into the cache. */
  beforeTake?: () => void
  /** Period of the background flush (default 1000 ms). */
  intervalMs?: number
  /** Most rows in one batch (default 10000). */
  maxBatch?: number
  retryMs?: number
  retryMaxMs?: number
  name?: string
}

export interface FlusherStats { flushes: number; rows: number; failures: number; lastError: string | null; inFlight: boolean; backoffMs: number }

/**
 * @example
 * const f = new Flusher({ cache, write: (rows) => upsertChunks(db, rows) })
 * f.start()
 * await f.flushAll()   // e.g. at shutdown
 * f.stop()
 */
export class Flusher<K, V> {
  private timer?: NodeJS.Timeout
  private inflight: Promise<void> | null = null
  private again = false
  private starting = false
  private backoff = 0
  private nextTry = 0
  private readonly s: FlusherStats = { flushes: 0, rows: 0, failures: 0, lastError: null, inFlight: false, backoffMs: 0 }
  constructor(private readonly o: FlusherOptions<K, V>) {}

  /** Starts the periodic flush. */
  start(): void {
    if (this.timer) return
    this.timer = setInterval(() => { void this.kick() }, this.o.intervalMs ?? 1000)
    this.timer.unref()
  }

  /** Stops the periodic flush (an in-flight flush completes). */
  stop(): void { if (this.timer) clearInterval(this.timer); this.timer = undefined }

  /** Runs a flush now, or once more after the one in flight. Never rejects. */
  kick(): Promise<void> {
    if (this.inflight) { this.again = true; return this.inflight }
    // beforeTake runs synchronously inside run() and may fill the cache, whose
    // pressure kicks again before `inflight` is set: that kick is a re-run request.
    if (this.starting) { this.again = true; return Promise.resolve() }
    if (Date.now() < this.nextTry) return Promise.resolve()
    this.starting = true
    let run: Promise<void>
    try { run = this.run() } finally { this.starting = false }
    this.inflight = run.finally(() => {
      this.inflight = null
      this.s.inFlight = false
      if (this.again) { this.again = false; void this.kick() }
    })
    return this.inflight
  }

  private async run(): Promise<void> {
    this.s.inFlight = true
    this.o.beforeTake?.()
    const batch = this.o.cache.dirtyEntries(this.o.maxBatch ?? 10000)
    if (batch.length === 0) return
    try {
      await this.o.write(batch)
    } catch (err) {
      this.s.failures++
      this.s.lastError = (err as Error).message
      this.backoff = Math.min(this.backoff ? this.backoff * 2 : (this.o.retryMs ?? 100), this.o.retryMaxMs ?? 5000)
      this.nextTry = Date.now() + this.backoff
      this.s.backoffMs = this.backoff
      log.warn({ flusher: this.o.name ?? 'cache', rows: batch.length, err: this.s.lastError, retryInMs: this.backoff }, 'flush failed; the batch stays dirty and will be retried')
      setTimeout(() => { void this.kick() }, this.backoff).unref()
      return
    }
    this.backoff = 0
    this.nextTry = 0
    this.s.backoffMs = 0
    for (const e of batch) this.o.cache.markClean(e.key, e.version)
    this.s.flushes++
    this.s.rows += batch.length
    // More dirty than one batch: keep going.
    if (batch.length >= (this.o.maxBatch ?? 10000)) this.again = true
  }

  /**
   * Flushes until nothing is dirty; rejects with the last error after
   * `attempts` consecutive failures (default: retry for ever).
   */
  async flushAll(attempts = Infinity): Promise<void> {
    let failures = 0
    for (;;) {
      if (this.inflight) await this.inflight
      const before = this.s.failures
      this.nextTry = 0
      await this.kick()
      if (this.s.failures > before) {
        if (++failures >= attempts) throw new Error(`flush failed ${failures} times: ${this.s.lastError}`)
        await new Promise((r) => setTimeout(r, this.backoff))
        continue
      }
      failures = 0
      if (this.o.cache.stats().dirty === 0 && !this.inflight) return
    }
  }

  stats(): FlusherStats { return { ...this.s } }
}
