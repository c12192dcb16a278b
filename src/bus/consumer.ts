/**
 * Consumer: one member of a consumer group reading a topic's partitions,
 * at-least-once: records are handed to the handler, and only after the
 * handler resolves is the offset committed. A consumer that dies between the
 * two sees those records again on restart; one that never dies sees each once.
 *
 * Start position: the group's committed offset; with none, `start`
 * ('earliest' = the first retained record, 'latest' = only new records). A new
 * group commits its start position at once, so retention keeps from there.
 *
 * `autoCommit: false` leaves committing to the handler: the persistence writer
 * writes its state and the offset (`batch.next`) in one DB transaction through
 * the store's OffsetStore; the consumer then just carries on from `next`.
 *
 * @example
 * const c = log.consumer('analytics', 'ticks', { start: 'earliest' })
 * await c.run(async (b) => { for (const r of b.records) count(r) })   // runs until c.stop()
 */
import { gone } from './embedded.ts'
import type { EventLog } from './log.ts'
import type { GroupReader, LogRecord } from './types.ts'

export interface ConsumerOptions {
  /** Partitions to read (default all; split them among members for parallelism). */
  partitions?: number[]
  /** Where a group with no committed offset begins (default 'earliest'). */
  start?: 'earliest' | 'latest'
  /** Records per batch, at most (default 500). */
  batch?: number
  /** Commit after each handled batch (default true). */
  autoCommit?: boolean
  /** How long one poll waits for new records, ms (default 200). */
  pollMs?: number
  /**
   * Resume at the group's committed offset (default true). `false` always begins at `start`:
   * for consumers whose state lives in memory and is rebuilt from the log (the analytics), so
   * that a restarted daemon with a persistent log and persistent offsets does not skip history.
   */
  resume?: boolean
}

/** A batch of one partition's records; `next` is the offset to commit once they are handled. */
export interface Batch { topic: string; partition: number; records: LogRecord[]; next: number }

export class Consumer {
  /** Next offset to read, per partition. */
  readonly position = new Map<number, number>()
  readonly stats = { batches: 0, records: 0, commits: 0 }
  private readers = new Map<number, GroupReader>()
  private opened = false
  private running = false
  private stopped?: Promise<void>
  private rr = 0
  private readonly o: Required<Omit<ConsumerOptions, 'partitions'>> & { partitions?: number[] }

  constructor(private readonly log: EventLog, readonly group: string, readonly topic: string, opts: ConsumerOptions) {
    this.o = { start: opts.start ?? 'earliest', batch: opts.batch ?? 500, autoCommit: opts.autoCommit ?? true, pollMs: opts.pollMs ?? 200, resume: opts.resume ?? true, partitions: opts.partitions }
  }

  /** Loads committed offsets (called by poll/run on first use). */
  async open(): Promise<void> {
    if (this.opened) return
    this.opened = true
    const parts = this.o.partitions ?? Array.from({ length: this.log.partitions(this.topic) }, (_, i) => i)
    for (const p of parts) {
      let next = this.o.resume ? await this.log.offsets.load(this.group, this.topic, p) : undefined
      const b = await this.log.backend.bounds(this.topic, p)
      if (next === undefined) {
        next = this.o.start === 'latest' ? b.end : b.start
        await this.log.offsets.commit(this.group, this.topic, p, next)
      } else if (next < b.start) {
        // Retention never drops uncommitted records, so this means the log was reset under us.
        throw gone(this.topic, p, next, b.start)
      }
      this.position.set(p, next)
      if (this.log.backend.openGroupReader) this.readers.set(p, await this.log.backend.openGroupReader(this.group, this.topic, p, next))
    }
  }

  /** Reads the next batch from some partition (round-robin), waiting up to pollMs; undefined if none. */
  async poll(): Promise<Batch | undefined> {
    await this.open()
    const parts = [...this.position.keys()]
    const deadline = Date.now() + this.o.pollMs
    for (;;) {
      for (let k = 0; k < parts.length; k++) {
        const p = parts[(this.rr + k) % parts.length]
        const records = await this.fetch(p, 0)
        if (records.length > 0) {
          this.rr = (this.rr + k + 1) % parts.length
          this.stats.batches++
          this.stats.records += records.length
          const next = records[records.length - 1].offset + 1
          this.position.set(p, next)
          return { topic: this.topic, partition: p, records, next }
        }
      }
      const left = deadline - Date.now()
      if (left <= 0 || !this.running && this.stopped) return undefined
      // Wait on the first partition's arrival signal, bounded; then rescan all.
      await this.waitAny(parts, Math.min(left, 50))
    }
  }

  /** Commits `next` for a partition (records below it are done). */
  async commit(partition: number, next: number): Promise<void> {
    await this.log.offsets.commit(this.group, this.topic, partition, next)
    await this.readers.get(partition)?.ack(next)
    this.stats.commits++
  }

  /**
   * Tells the backend that records below `next` are done, when the caller has
   * already committed `next` itself (e.g. in its own DB transaction through
   * `SqlOffsetStore.commitIn`): acks the NATS group reader, writes no offset.
   */
  async acknowledge(partition: number, next: number): Promise<void> {
    await this.readers.get(partition)?.ack(next)
    this.stats.commits++
  }

  /** Polls and handles batches until {@link stop}; commits after each handled batch (unless autoCommit is off). */
  async run(handler: (b: Batch) => Promise<void> | void): Promise<void> {
    this.running = true
    let resolveStopped!: () => void
    this.stopped = new Promise((r) => { resolveStopped = r })
    try {
      while (this.running) {
        const b = await this.poll()
        if (!b) continue
        await handler(b)
        if (this.o.autoCommit) await this.commit(b.partition, b.next)
      }
    } finally {
      resolveStopped()
    }
  }

  /** Stops `run` after the batch in hand; resolves when it has returned. */
  async stop(): Promise<void> {
    this.running = false
    await this.stopped
  }

  async close(): Promise<void> {
    await this.stop()
    for (const r of this.readers.values()) await r.close()
    this.readers.clear()
  }

  private async fetch(p: number, waitMs: number): Promise<LogRecord[]> {
    const from = this.position.get(p)!
    const reader = this.readers.get(p)
    if (reader) {
      // A group reader may redeliver records we already passed (after a restart): skip them.
      return (await reader.next(this.o.batch, waitMs)).filter((r) => r.offset >= from)
    }
    return this.log.backend.read(this.topic, p, from, this.o.batch)
  }

  private async waitAny(parts: number[], ms: number): Promise<void> {
    if (this.readers.size > 0) { await new Promise((r) => setTimeout(r, Math.min(ms, 5))); return }
    await Promise.race(parts.map((p) => this.log.backend.wait(this.topic, p, this.position.get(p)!, ms)))
  }
}
