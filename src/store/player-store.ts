/**
 * Players in memory, persisted write-behind — except `saveNow` (a player's
 * save on logout), which is write-through: it returns only after the database
 * confirmed the row, and rejects if it could not (the record then stays dirty,
 * so the write-behind flusher still persists it later).
 */
import { DirtyCache, type CacheStats } from './cache.ts'
import { Flusher, type FlusherStats } from './flusher.ts'
import { upsertPlayers, loadPlayerRow, type PlayerRow } from './rows.ts'
import type { Db } from './db.ts'

export type { PlayerRow }

/**
 * @example
 * const players = new PlayerStore(db); players.start()
 * players.put(p)            // e.g. every move: memory now, database soon
 * await players.saveNow(p)  // logout: durable when it resolves
 */
export class PlayerStore {
  readonly cache: DirtyCache<string, PlayerRow>
  readonly flusher: Flusher<string, PlayerRow>
  constructor(private readonly db: Db, o: { intervalMs?: number; budgetBytes?: number; retryMs?: number; beforeFlush?: () => void } = {}) {
    this.cache = new DirtyCache<string, PlayerRow>({ budgetBytes: o.budgetBytes ?? 64 * 1024 * 1024, sizeOf: (p) => 256 + JSON.stringify(p.inventory).length, onPressure: () => { void this.flusher.kick() } })
    this.flusher = new Flusher({ name: 'players', cache: this.cache, intervalMs: o.intervalMs, retryMs: o.retryMs, beforeTake: o.beforeFlush, write: (batch) => upsertPlayers(this.db, batch.map((e) => e.value)) })
  }

  /** Write-behind update. */
  put(p: PlayerRow): void { this.cache.set(p.id, p) }

  /** In memory only. */
  get(id: string): PlayerRow | undefined { return this.cache.get(id) }

  /** Memory, else the database (undefined for an unknown player). */
  async load(id: string): Promise<PlayerRow | undefined> {
    const hit = this.cache.get(id)
    if (hit) return hit
    const row = await loadPlayerRow(this.db, id)
    if (row && !this.cache.has(id)) this.cache.set(id, row, { clean: true })
    return this.cache.get(id) ?? row
  }

  /** Write-through: resolves once the database holds `p`. */
  async saveNow(p: PlayerRow): Promise<void> {
    this.cache.set(p.id, p)
    const version = this.cache.version(p.id)!
    await upsertPlayers(this.db, [p])
    this.cache.markClean(p.id, version)
  }

  start(): void { this.flusher.start() }
  stop(): void { this.flusher.stop() }
  flushAll(attempts?: number): Promise<void> { return this.flusher.flushAll(attempts) }
  stats(): { cache: CacheStats; flusher: FlusherStats } { return { cache: this.cache.stats(), flusher: this.flusher.stats() } }
}
