/**
 * The persistence writer as a consumer group of the event log (group
 * `persist`): it reads topic `chunks` (a record per changed chunk per tick)
 * and topic `ticks` (the tick's actions, naming the players they changed),
 * and every `flushMs` writes the current rows of those chunks and players
 * together with its committed offsets in ONE database transaction
 * (`SqlOffsetStore.commitIn`). So the offset in `consumer_offsets` says
 * exactly what the `chunks`/`players` tables already reflect.
 *
 * At-least-once, idempotent: rows are full state (the chunk's bytes and the
 * player's record as the world holds them when written, tick >= every record
 * consumed), so a record delivered again after a crash rewrites the same or a
 * newer state, never an older one. At start the writer resumes from its
 * committed offsets; if the log cannot account for what the journal holds —
 * it is behind the journal head (ticks journaled but not yet appended when
 * the daemon died), was reset, or the group never committed on a world that
 * already has state — it reconciles instead: writes every chunk whose stored
 * hash differs from the world's and every player, and sets its offsets to the
 * log's end, in one transaction.
 *
 * Acceptance durability is not this writer's job (the journal's group commit
 * is); it only keeps the queryable tables current, off the tick.
 *
 * @example
 * const w = new LogWriter(log, db, new SqlOffsetStore(db), worldSource(world, row), { size: world.size })
 * const report = await w.start()   // { mode: 'resume' | 'reconcile' | 'fresh', ... }
 * await w.close()                  // catches up with the log, writes, commits
 */
import type { EventLog } from '../bus/log.ts'
import type { Batch, Consumer } from '../bus/consumer.ts'
import { SqlOffsetStore } from '../bus/sql-offsets.ts'
import type { Db } from './db.ts'
import { writeChunksIn, upsertPlayers, type ChunkRow, type PlayerRow } from './rows.ts'
import { encodeChunk, CURRENT_CHUNK_FORMAT } from './serializers/index.ts'
import { log } from './log.ts'

/** What the writer reads from the world (persistence.ts builds it). */
export interface WriterSource {
  tick(): number
  /** A chunk's current bytes and hash; undefined when there is nothing to store (unmodified / evicted = stored as is). */
  chunk(id: number): { data: Uint8Array; hash: string } | undefined
  /** Every chunk that differs from generation. */
  chunkIds(): number[]
  player(id: string): PlayerRow | undefined
  playerIds(): string[]
}

export interface LogWriterOptions {
  /** World frequency n (for the chunks table's coordinates). */
  size: number
  /** Period of the write (default 1000 ms). */
  flushMs?: number
  /** Called after a write is durable with each chunk written (e.g. to track what the table holds). */
  onChunksWritten?: (rows: Array<{ id: number; hash: string }>) => void
}

export interface WriterReport {
  mode: 'fresh' | 'resume' | 'reconcile'
  /** Why a reconcile ran. */
  reason?: string
  /** Committed offsets found at start, and the log's end, per `topic/partition`. */
  committed: Record<string, number | null>
  end: Record<string, number>
  lastLoggedTick: number | null
  worldTick: number
  /** Rows a reconcile wrote. */
  reconciled?: { chunks: number; players: number }
}

export const PERSIST_GROUP = 'persist'
const TOPICS = ['chunks', 'ticks'] as const

export class LogWriter {
  readonly stats = { records: 0, writes: 0, chunks: 0, players: 0, failures: 0, lastError: null as string | null, firstOffsets: {} as Record<string, number> }
  private consumers: Consumer[] = []
  private loops: Promise<void>[] = []
  private pendingChunks = new Set<number>()
  private pendingPlayers = new Set<string>()
  private pendingOffsets = new Map<string, { c: Consumer; p: number; next: number }>()
  private timer?: NodeJS.Timeout
  private writing: Promise<void> | null = null
  private backoffUntil = 0
  private backoff = 0

  constructor(private readonly log: EventLog, private readonly db: Db, readonly offsets: SqlOffsetStore, private readonly src: WriterSource, private readonly o: LogWriterOptions) {}

  /** Resumes from the committed offsets (or reconciles, see the header) and starts consuming. */
  async start(): Promise<WriterReport> {
    const report = await this.check()
    if (report.mode === 'reconcile') report.reconciled = await this.reconcile()
    for (const topic of TOPICS) {
      const c = this.log.consumer(PERSIST_GROUP, topic, { autoCommit: false, start: 'earliest', pollMs: 200 })
      await c.open()
      this.consumers.push(c)
      this.loops.push(c.run((b) => this.take(c, b)).catch((err) => {
        this.stats.failures++
        this.stats.lastError = String(err)
        log.error({ err: String(err), topic }, 'persistence writer: consumer failed')
      }))
    }
    this.timer = setInterval(() => { void this.flush() }, this.o.flushMs ?? 1000)
    this.timer.unref()
    log.info(report, 'persistence writer consuming the event log')
    return report
  }

  private async check(): Promise<WriterReport> {
    const committed: Record<string, number | null> = {}
    const end: Record<string, number> = {}
    let reason: string | undefined
    let any = false
    for (const topic of TOPICS) {
      for (let p = 0; p < this.log.partitions(topic); p++) {
        const k = `${topic}/${p}`
        const c = await this.offsets.load(PERSIST_GROUP, topic, p)
        const b = await this.log.bounds(topic, p)
        committed[k] = c ?? null
        end[k] = b.end
        if (c !== undefined) any = true
        if (c !== undefined && (c > b.end || c < b.start)) reason ??= `committed offset ${c} of ${k} is outside the log (${b.start}..${b.end}): the log was reset`
      }
    }
    const tb = await this.log.bounds('ticks', 0)
    const last = tb.end > tb.start ? (await this.log.read('ticks', 0, tb.end - 1, 1))[0] : undefined
    const lastLoggedTick = last ? Number(JSON.parse(last.value.toString('utf8')).tick) : null
    const worldTick = this.src.tick()
    if (!reason && worldTick > 0 && (lastLoggedTick ?? 0) < worldTick) reason = `the log ends at tick ${lastLoggedTick ?? 'none'} but the journal at ${worldTick}`
    if (!reason && !any && worldTick > 0) reason = 'no committed offsets for a world that has state'
    const mode = reason ? 'reconcile' : any ? 'resume' : 'fresh'
    return { mode, ...(reason ? { reason } : {}), committed, end, lastLoggedTick, worldTick }
  }

  /** Writes what differs from the world and sets the offsets to the log's end, in one transaction. */
  private async reconcile(): Promise<{ chunks: number; players: number }> {
    const stored = new Map((await this.db.query<{ id: number | string; hash: string }>('SELECT id, hash FROM chunks')).map((r) => [Number(r.id), r.hash]))
    const ids = this.src.chunkIds().filter((id) => { const c = this.src.chunk(id); return c !== undefined && stored.get(id) !== c.hash })
    const rows = this.chunkRows(ids)
    const players = this.src.playerIds().map((id) => this.src.player(id)).filter((p): p is PlayerRow => p !== undefined)
    const ends: Array<{ topic: string; p: number; end: number }> = []
    for (const topic of TOPICS) for (let p = 0; p < this.log.partitions(topic); p++) ends.push({ topic, p, end: (await this.log.bounds(topic, p)).end })
    await this.db.writeTransaction(async (tx) => {
      await writeChunksIn(this.db, tx, this.o.size, rows)
      await upsertPlayers(tx, players)
      for (const e of ends) await this.offsets.setIn(tx, PERSIST_GROUP, e.topic, e.p, e.end)
    })
    this.o.onChunksWritten?.(rows.map((r) => ({ id: r.id, hash: r.hash })))
    return { chunks: rows.length, players: players.length }
  }

  private chunkRows(ids: Iterable<number>): ChunkRow[] {
    const tick = this.src.tick()
    const rows: ChunkRow[] = []
    for (const id of ids) {
      const c = this.src.chunk(id)
      if (c) rows.push({ id, tick, format: CURRENT_CHUNK_FORMAT, hash: c.hash, data: encodeChunk({ id, tick, data: c.data }) })
    }
    return rows
  }

  /** Handler of both consumers: remembers what changed and the offset to commit with it. */
  private take(c: Consumer, b: Batch): void {
    const k = `${b.topic}/${b.partition}`
    if (!(k in this.stats.firstOffsets) && b.records.length) this.stats.firstOffsets[k] = b.records[0].offset
    this.stats.records += b.records.length
    for (const r of b.records) {
      if (b.topic === 'chunks') { const id = Number(r.key); if (Number.isSafeInteger(id)) this.pendingChunks.add(id); continue }
      let v: { actions?: Array<{ player?: unknown; ok?: boolean }> }
      try { v = JSON.parse(r.value.toString('utf8')) } catch { continue }
      for (const a of v.actions ?? []) if (a.ok && typeof a.player === 'string') this.pendingPlayers.add(a.player)
    }
    this.pendingOffsets.set(k, { c, p: b.partition, next: b.next })
  }

  /**
   * Writes what was consumed so far and commits the offsets, in one
   * transaction; one write at a time. A failed write keeps everything pending
   * and is retried (backoff up to 5 s).
   */
  flush(): Promise<void> {
    if (this.writing) return this.writing
    if (Date.now() < this.backoffUntil || this.pendingOffsets.size === 0) return Promise.resolve()
    this.writing = this.write().finally(() => { this.writing = null })
    return this.writing
  }

  private async write(): Promise<void> {
    const chunkIds = this.pendingChunks, playerIds = this.pendingPlayers, offsets = this.pendingOffsets
    this.pendingChunks = new Set(); this.pendingPlayers = new Set(); this.pendingOffsets = new Map()
    const rows = this.chunkRows(chunkIds)
    const players = [...playerIds].map((id) => this.src.player(id)).filter((p): p is PlayerRow => p !== undefined)
    try {
      await this.db.writeTransaction(async (tx) => {
        await writeChunksIn(this.db, tx, this.o.size, rows)
        await upsertPlayers(tx, players)
        for (const [k, o] of offsets) await this.offsets.commitIn(tx, PERSIST_GROUP, k.slice(0, k.indexOf('/')), o.p, o.next)
      })
    } catch (err) {
      // Keep it all: merged with what arrived meanwhile (a newer offset of a partition wins).
      for (const id of chunkIds) this.pendingChunks.add(id)
      for (const id of playerIds) this.pendingPlayers.add(id)
      for (const [k, o] of offsets) { const cur = this.pendingOffsets.get(k); if (!cur || cur.next < o.next) this.pendingOffsets.set(k, o) }
      this.stats.failures++
      this.stats.lastError = (err as Error).message
      this.backoff = Math.min(this.backoff ? this.backoff * 2 : 100, 5000)
      this.backoffUntil = Date.now() + this.backoff
      log.warn({ err: this.stats.lastError, retryInMs: this.backoff }, 'persistence writer: write failed; kept and retried')
      return
    }
    this.backoff = 0
    this.backoffUntil = 0
    this.stats.writes++; this.stats.chunks += rows.length; this.stats.players += players.length
    this.o.onChunksWritten?.(rows.map((r) => ({ id: r.id, hash: r.hash })))
    for (const o of offsets.values()) await o.c.acknowledge(o.p, o.next).catch(() => {})
  }

  /** Records in the log not yet read by this writer (0 = it has read everything appended). */
  async lag(): Promise<number> {
    let n = 0
    for (const c of this.consumers) for (const [p, at] of c.position) n += Math.max(0, (await this.log.bounds(c.topic, p)).end - at)
    return n
  }

  /**
   * Graceful stop: reads the log to its end (call after the last append),
   * writes and commits it all (retrying up to `attempts` times), then closes.
   */
  async close(attempts = 5): Promise<void> {
    clearInterval(this.timer)
    await Promise.all(this.consumers.map((c) => c.stop()))
    await Promise.all(this.loops)
    // Catch up with the log's end (a NATS reader may still be receiving the tail), within 3 s.
    const deadline = Date.now() + 3000
    for (const c of this.consumers) {
      for (const [p, at] of c.position) {
        let pos = at
        const end = (await this.log.bounds(c.topic, p)).end
        while (pos < end && Date.now() < deadline) {
          const b = await c.poll()
          if (b) { this.take(c, b); pos = c.position.get(p)! } else await new Promise((r) => setTimeout(r, 10))
        }
      }
    }
    for (let i = 0; i < attempts && (this.pendingOffsets.size > 0 || this.writing); i++) {
      if (this.writing) await this.writing
      this.backoffUntil = 0
      await this.flush()
    }
    if (this.pendingOffsets.size) log.error({ err: this.stats.lastError }, 'persistence writer: last write failed at close; the next start resumes from the committed offsets')
    for (const c of this.consumers) await c.close()
    this.consumers = []
  }

  /** Stops without writing what is pending (what a crash does; tests use it). */
  async abort(): Promise<void> {
    clearInterval(this.timer)
    await Promise.all(this.consumers.map((c) => c.close()))
    await Promise.all(this.loops)
    if (this.writing) await this.writing
    this.consumers = []
    this.pendingChunks.clear(); this.pendingPlayers.clear(); this.pendingOffsets.clear()
  }
}
