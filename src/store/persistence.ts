/**
 * Persistence for `hexd serve`: one object the daemon plugs in as its
 * `ActionJournal` (docs/CONTRACTS.md) and as a `TickListener`, owning
 *   - recovery at open: latest snapshot + replay of the journal → the world,
 *     with the hash checked against the one committed at the journal head;
 *   - the journal: each tick's accepted actions in one group commit, durable
 *     before `commit()` resolves (the daemon replies only after that);
 *   - periodic snapshots (every `snapshotEvery` ticks, and at close);
 *   - write-behind of changed chunks and players through the cache + flusher;
 *   - write-through of a player's row when it leaves (logout): the `leave`
 *     is acknowledged only once that row is in the database.
 *
 * Order matters and is guaranteed by the daemon's tick: `onTick(ev)` runs
 * synchronously right after `world.step`, while `commit(tick)` is called from
 * a promise chain, so always later. onTick therefore records the tick's hash
 * and any snapshot, and commit() hands them to the journal in tick order.
 */
import { HexdError } from '../errors.ts'
import { World, restoreWorld, snapshotWorld, fillSnapshotHoles, layout, PROTOTYPES, RECIPES, CONTENT_VERSION, CHUNK_BYTES, type SnapshotHole, type WorldOptions } from '../engine/index.ts'
import { openStore, type OpenOptions } from './open.ts'
import type { Db } from './db.ts'
import { Journal, type JournalAction, type JournalStats } from './journal.ts'
import { recover, type RecoveryReport } from './recovery.ts'
import { ChunkStore } from './chunk-store.ts'
import { loadChunkHashes } from './rows.ts'
import { PlayerStore, type PlayerRow } from './player-store.ts'
import { toStoredSnapshotAsync, fromStoredSnapshot, STORED_SNAPSHOT_FORMAT } from './world-adapter.ts'
import { log } from './log.ts'
import type { EventLog } from '../bus/log.ts'
import { RoutedOffsetStore } from '../bus/offsets.ts'
import { SqlOffsetStore } from '../bus/sql-offsets.ts'
import { LogWriter, PERSIST_GROUP, type WriterReport } from './log-writer.ts'
import { storeTarget } from './open.ts'
import { join } from 'node:path'

export interface PersistenceOptions extends OpenOptions {
  /** World seed and size: recorded by a new database; must match a stored world (else HEXD_BAD_OPTION). */
  seed: number
  size: number
  /** Ticks between snapshots (default 1200: a minute at 20 UPS). */
  snapshotEvery?: number
  /** Write-behind period for chunks and players (default 1000 ms). */
  flushMs?: number
  /**
   * Memory budget for chunk bytes outside the resident slots (default 256 MiB):
   * the engine's parked chunks plus the cache's copies. Over it, clean parked
   * chunks (far from every player, already in the database) are evicted from
   * memory, oldest parked first, and fetched back from the database on demand.
   */
  cacheBytes?: number
  /** Extra engine options (backend, allocate, activeRadius). */
  world?: Partial<WorldOptions>
}

/** Chunks outside the resident slots: parked (bytes in memory), evicted (in the database only), and counters. */
export interface MemoryStats { budgetBytes: number; parked: number; evicted: number; evictions: number; fetchedBack: number }

/** The subset of the daemon's TickEvent persistence reads. */
export interface TickInfo { tick: number; hash: string; changedChunks: number[]; accepted: JournalAction[] }

/**
 * @example
 * const p = await Persistence.open({ data: '.hexd', seed: 1, size: 256 })
 * const daemon = await startDaemon({ ...config, world: p.world, journal: p, listeners: [p] })
 */
export class Persistence {
  readonly durability: string
  readonly chunks: ChunkStore
  readonly players: PlayerStore
  private readonly hashes = new Map<number, string>()
  /** Session token hashes by player (players.token_hash) and back: a token opens its player after a restart. */
  private readonly tokenOf = new Map<string, string>()
  private readonly playerOfToken = new Map<string, string>()
  /** The hash of the latest step, from commit() or onTick (whichever came first). */
  private lastStepHash: { tick: number; hash: string } | null = null
  /** Engine snapshot bytes taken in a tick, waiting for that tick's commit() to be stored. */
  private readonly snapshots = new Map<number, { hash: string; engine: Uint8Array; holes: SnapshotHole[] }>()
  /** Snapshots being coded (between ticks) and handed to the journal. */
  private readonly storing = new Set<Promise<void>>()
  private readonly dirtyChunks = new Set<number>()
  private readonly dirtyPlayers = new Set<string>()
  private lastSnapshotTick: number
  private lastCommitTick = 0
  private closed = false
  /** The hash the chunks table holds for each stored chunk (a chunk may be evicted only when it equals the world's). */
  private readonly storedHash: Map<number, string>
  private budgetTimer?: NodeJS.Timeout
  private evictions = 0
  private fetchedBack = 0

  private constructor(readonly db: Db, readonly branch: string, readonly world: World, readonly journal: Journal, readonly recovery: RecoveryReport, private readonly o: PersistenceOptions, stored: Map<number, string>) {
    this.durability = journal.durability
    this.lastSnapshotTick = recovery.snapshotTick ?? 0
    this.storedHash = stored
    this.chunks = new ChunkStore(db, {
      size: world.size, budgetBytes: o.cacheBytes, intervalMs: o.flushMs,
      generate: (id) => ({ data: world.chunkBytes(id), tick: world.tick, hash: world.chunkHash(id) }),
      beforeFlush: () => this.copyDirtyChunks(),
      onWritten: (rows) => this.chunksWritten(rows),
    })
    // The chunks table lags the world after a crash: whatever differs is written again.
    for (const c of world.modifiedChunks()) if (stored.get(c) !== world.chunkHash(c)) this.dirtyChunks.add(c)
    world.fetchChunks = async (ids) => {
      const got = await this.chunks.fetchMany(ids)
      this.fetchedBack += ids.length
      log.debug({ chunks: ids }, 'evicted chunks fetched back from the database')
      return got
    }
    this.budgetTimer = setInterval(() => this.enforceBudget(), o.flushMs ?? 1000)
    this.budgetTimer.unref()
    this.players = new PlayerStore(db, { intervalMs: o.flushMs, beforeFlush: () => this.copyDirtyPlayers() })
    this.chunks.start()
    this.players.start()
  }

  /** Opens the store, recovers the world and starts the write-behind flushers. */
  static async open(o: PersistenceOptions): Promise<Persistence> {
    const { db, branch } = await openStore(o)
    try {
      const meta = await worldMeta(db, o.seed, o.size)
      await storeContent(db)
      const { world, report } = await recover(db, {
        fresh: () => new World({ ...o.world, seed: meta.seed, size: meta.size }),
        restore: (data, format) => restoreWorld(fromStoredSnapshot(data, format), o.world),
      })
      const journal = await Journal.open(db)
      const p = new Persistence(db, branch, world, journal, report, o, await loadChunkHashes(db))
      for (const r of await db.query<{ id: string; token_hash: string }>('SELECT id, token_hash FROM players WHERE token_hash IS NOT NULL')) p.setToken(r.id, r.token_hash)
      return p
    } catch (err) {
      await db.close()
      throw err
    }
  }

  /** Records what the chunks table now holds (after a durable write), then keeps the budget. */
  private chunksWritten(rows: Array<{ id: number; hash: string }>): void {
    for (const r of rows) this.storedHash.set(r.id, r.hash)
    this.enforceBudget()
  }

  /**
   * Keeps chunk bytes outside the resident slots within `cacheBytes`: first
   * drops the cache's clean copies, then evicts the world's parked chunks that
   * the database holds as they are (oldest parked first). Returns how many
   * chunks were evicted from the world.
   */
  enforceBudget(): number {
    const budget = this.o.cacheBytes ?? 256 * 1024 * 1024
    const parked = this.world.parkedChunks()
    const parkedBytes = parked.length * CHUNK_BYTES
    this.chunks.cache.evictTo(Math.max(0, budget - parkedBytes))
    let over = parkedBytes + this.chunks.cache.stats().bytes - budget
    let n = 0
    for (const c of parked) {
      if (over <= 0) break
      if (this.dirtyChunks.has(c) || this.chunks.cache.isDirty(c)) continue
      const stored = this.storedHash.get(c)
      if (stored === undefined || stored !== this.world.chunkHash(c)) continue
      if (!this.world.evictChunk(c)) continue
      over -= CHUNK_BYTES
      n++
    }
    this.evictions += n
    if (n > 0) log.debug({ evicted: n, parked: parked.length - n, evictedNow: this.world.evictedChunks().length, budgetBytes: budget }, 'chunks evicted from memory')
    return n
  }

  /** The event-log consumer that writes changed chunks and players, once {@link attachLog} ran. */
  private writer: LogWriter | null = null
  get logWriter(): LogWriter | null { return this.writer }

  /** Offsets for the daemon's event log: the writer's group in this database (committed with its rows), others in memory. */
  get logOffsets(): RoutedOffsetStore { return (this.offsetsMemo ??= new RoutedOffsetStore({ [PERSIST_GROUP]: new SqlOffsetStore(this.db) })) }
  private offsetsMemo?: RoutedOffsetStore

  /**
   * Where the durable embedded event log lives: inside the PGlite branch
   * directory (so a branch copies its log with its offsets), or for Postgres
   * `<data>/eventlog/<database>`.
   */
  eventLogDir(): string {
    if (this.db.kind === 'pglite') return join(this.db.location, 'eventlog')
    let name = 'postgres'
    try { const u = new URL(this.db.location); name = `${u.hostname}_${u.port || 5432}_${decodeURIComponent(u.pathname.slice(1))}` } catch { /* keep the default */ }
    return join(storeTarget(this.o).data, 'eventlog', name.replace(/[^A-Za-z0-9_.-]/g, '_'))
  }

  /**
   * Makes the write-behind of changed chunks and players a consumer group of
   * the daemon's event log (log-writer.ts): rows and the group's offsets are
   * written in one transaction, and a restart resumes from those offsets.
   * From then on onTick no longer collects dirty chunks and players itself.
   */
  async attachLog(eventLog: EventLog): Promise<{ report: WriterReport; detach: () => Promise<void> }> {
    const w = new LogWriter(eventLog, this.db, new SqlOffsetStore(this.db), {
      tick: () => this.world.tick,
      chunk: (id) => {
        let data: Uint8Array
        try { data = this.world.chunkBytes(id) } catch { return undefined } // unloaded and unmodified: nothing to store
        return { data, hash: this.world.chunkHash(id) }
      },
      chunkIds: () => this.world.modifiedChunks(),
      player: (id) => this.playerRow(id),
      playerIds: () => this.world.playerList().map((p) => p.id),
    }, { size: this.world.size, flushMs: this.o.flushMs, onChunksWritten: (rows) => this.chunksWritten(rows) })
    this.writer = w
    const report = await w.start()
    return { report, detach: async () => { await w.close(); if (this.writer === w) this.writer = null } }
  }

  /** TickListener: called synchronously right after each world step. */
  onTick(ev: TickInfo): void {
    // The daemon hands commit(tick, …, hash) to the journal before the listeners run: keep
    // the hash only for a tick not committed yet (else it would never be taken out).
    if (ev.tick > this.lastCommitTick) this.hashes.set(ev.tick, ev.hash)
    this.lastStepHash = { tick: ev.tick, hash: ev.hash }
    if (!this.writer) {
      for (const c of ev.changedChunks) this.dirtyChunks.add(c)
      for (const a of ev.accepted) if (typeof a.player === 'string') this.dirtyPlayers.add(a.player)
    }
    if (ev.tick - this.lastSnapshotTick >= (this.o.snapshotEvery ?? 1200)) this.takeSnapshot()
  }

  /** ActionJournal: durable when it resolves (a leave also write-through saves the player). */
  async commit(tick: number, accepted: JournalAction[], hash?: string): Promise<void> {
    const h = hash ?? this.hashes.get(tick) ?? (this.world.tick === tick ? this.world.hash() : '')
    this.lastStepHash = { tick, hash: h }
    this.hashes.delete(tick)
    this.lastCommitTick = tick
    const done = this.journal.commit(tick, accepted, h)
    const snap = this.snapshots.get(tick)
    if (snap) {
      this.snapshots.delete(tick)
      this.storeSnapshot(tick, snap.hash, snap.engine, snap.holes)
    }
    await done
    for (const a of accepted) if (a.type === 'leave' && typeof a.player === 'string') await this.savePlayer(a.player)
  }

  /**
   * TokenStore (the daemon's sessions): records the sha256 of a player's session
   * token, written through — durable before the client is given the token.
   */
  async remember(playerId: string, hash: string): Promise<void> {
    this.setToken(playerId, hash)
    await this.savePlayer(playerId)
  }

  /** TokenStore: the player whose token has sha256 `hash` (kept in memory, loaded at open). */
  lookup(hash: string): string | undefined { return this.playerOfToken.get(hash) }

  private setToken(playerId: string, hash: string): void {
    const old = this.tokenOf.get(playerId)
    if (old !== undefined) this.playerOfToken.delete(old)
    this.tokenOf.set(playerId, hash)
    this.playerOfToken.set(hash, playerId)
  }

  /** Write-through save of a player's current record; resolves once it is in the database. */
  async savePlayer(id: string): Promise<void> {
    const row = this.playerRow(id)
    if (row) await this.players.saveNow(row)
  }

  /**
   * Takes a snapshot of the world as it is now. Only the engine's copy happens
   * here (a memcpy per chunk); coding it into the stored format runs between
   * ticks, and the journal writes it after the log of its tick.
   */
  takeSnapshot(): void {
    const tick = this.world.tick
    const holes: SnapshotHole[] = []
    const engine = snapshotWorld(this.world, { holes })
    const hash = this.hashes.get(tick) ?? (this.lastStepHash?.tick === tick ? this.lastStepHash.hash : this.world.hash())
    this.lastSnapshotTick = tick
    if (tick <= Math.max(this.lastCommitTick, this.journal.stats().committedTick)) this.storeSnapshot(tick, hash, engine, holes)
    else this.snapshots.set(tick, { hash, engine, holes })
  }

  private storeSnapshot(tick: number, hash: string, engine: Uint8Array, holes: SnapshotHole[]): void {
    // Evicted chunks are not in memory: their bytes come from the database (checked by hash).
    const filled = holes.length === 0 ? Promise.resolve() : this.chunks.fetchMany(holes.map((h) => h.chunk)).then((b) => fillSnapshotHoles(engine, holes, b))
    const task = filled.then(() => toStoredSnapshotAsync(engine))
      .then((data) => this.journal.snapshot(tick, hash, data, STORED_SNAPSHOT_FORMAT))
      .catch((err) => log.error({ err: String(err), tick }, 'snapshot not stored'))
      .finally(() => this.storing.delete(task))
    this.storing.add(task)
  }

  /** Resolves once every snapshot taken so far is stored and every queued commit is durable. */
  async idle(): Promise<void> {
    await Promise.all([...this.storing])
    await this.journal.drained()
  }

  private copyDirtyChunks(): void {
    for (const id of this.dirtyChunks) {
      let data: Uint8Array
      try { data = this.world.chunkBytes(id) } catch { continue } // unloaded and unmodified: nothing to store
      const dv = new DataView(data.buffer, data.byteOffset + 16)
      const hash = toHex(dv.getUint32(layout.SH.HASH_LO * 4, true), dv.getUint32(layout.SH.HASH_HI * 4, true))
      this.chunks.put(id, data, this.world.tick, hash)
    }
    this.dirtyChunks.clear()
  }

  private copyDirtyPlayers(): void {
    for (const id of this.dirtyPlayers) { const r = this.playerRow(id); if (r) this.players.put(r) }
    this.dirtyPlayers.clear()
  }

  playerRow(id: string): PlayerRow | undefined {
    const p = this.world.player(id)
    if (!p) return undefined
    return { id: p.id, idx: p.index, name: p.name, tokenHash: this.tokenOf.get(id) ?? null, position: p.cell, inventory: p.inventory, data: { online: p.online } }
  }

  stats(): { branch: string; durability: string; journal: JournalStats; chunks: ReturnType<ChunkStore['stats']>; players: ReturnType<PlayerStore['stats']>; lastSnapshotTick: number; recovery: RecoveryReport; memory: MemoryStats } {
    const memory = { budgetBytes: this.o.cacheBytes ?? 256 * 1024 * 1024, parked: this.world.parkedChunks().length, evicted: this.world.evictedChunks().length, evictions: this.evictions, fetchedBack: this.fetchedBack }
    return { branch: this.branch, durability: this.durability, journal: this.journal.stats(), chunks: this.chunks.stats(), players: this.players.stats(), lastSnapshotTick: this.lastSnapshotTick, recovery: this.recovery, memory }
  }

  /**
   * Graceful close: a final snapshot, every dirty chunk and player flushed,
   * the journal drained (waiting up to `timeoutMs` for an unreachable
   * database), then the database closed.
   */
  async close(timeoutMs = 30_000): Promise<void> {
    if (this.closed) return
    this.closed = true
    this.chunks.stop(); this.players.stop()
    if (this.budgetTimer) clearInterval(this.budgetTimer)
    try {
      if (this.world.tick > this.lastSnapshotTick) this.takeSnapshot()
      await Promise.all([...this.storing])
      const attempts = Math.max(1, Math.ceil(timeoutMs / 2000))
      await Promise.all([this.chunks.flushAll(attempts), this.players.flushAll(attempts)]).catch((err) => log.error({ err: String(err) }, 'write-behind data not flushed at close'))
      await this.journal.close(timeoutMs)
    } finally {
      await this.db.close()
    }
  }
}

function toHex(lo: number, hi: number): string {
  return (hi >>> 0).toString(16).padStart(8, '0') + (lo >>> 0).toString(16).padStart(8, '0')
}

/** The stored world's seed and size; records the given ones on a new database. */
export async function worldMeta(db: Db, seed: number, size: number): Promise<{ seed: number; size: number }> {
  const rows = await db.query<{ key: string; value: number }>(`SELECT key, value FROM world_meta WHERE key IN ('seed', 'size')`)
  const m = new Map(rows.map((r) => [r.key, Number(r.value)]))
  if (m.has('seed') && m.has('size')) {
    const stored = { seed: m.get('seed')!, size: m.get('size')! }
    if (stored.seed !== seed || stored.size !== size) {
      const field = stored.size !== size ? 'size' : 'seed'
      throw new HexdError('HEXD_BAD_OPTION', `--${field} ${field === 'size' ? size : seed} does not match the world stored in ${db.location} (seed ${stored.seed}, size ${stored.size}): pass --seed ${stored.seed} --size ${stored.size}, or use another --data / --db-branch for a new world`, { field, details: { stored } })
    }
    return stored
  }
  if (!Number.isSafeInteger(seed) || !Number.isSafeInteger(size)) throw new HexdError('HEXD_BAD_OPTION', `seed and size must be integers, got ${seed}, ${size}`, { field: 'seed' })
  await db.query(`INSERT INTO world_meta (key, value) VALUES ('seed', $1::jsonb), ('size', $2::jsonb) ON CONFLICT (key) DO NOTHING`, [JSON.stringify(seed), JSON.stringify(size)])
  return { seed, size }
}

/**
 * Records the engine's prototypes and recipes (versioned data) in their
 * tables, so the database says which content its world was made with.
 */
export async function storeContent(db: Db): Promise<void> {
  const up = (table: string, rows: readonly { name: string }[]) => db.query(
    `INSERT INTO ${table} (name, version, data) SELECT * FROM unnest($1::text[], $2::int4[], $3::jsonb[])
     ON CONFLICT (name) DO UPDATE SET version = excluded.version, data = excluded.data`,
    [rows.map((r) => r.name), rows.map(() => CONTENT_VERSION), rows.map((r) => JSON.stringify(r))])
  await up('prototypes', PROTOTYPES)
  await up('recipes', RECIPES)
}
