/**
 * EventLog: the Kafka-style log on top of a {@link LogBackend}. It maps keys
 * to partitions, appends (batched per partition), reads for replay, hands out
 * consumer groups ({@link Consumer}), and applies retention.
 *
 * Retention never drops a record that a consumer group has not committed or
 * that a pin still needs: a pin is how a snapshot says "replay from offset X
 * must stay possible" (`pin('snapshot', 'actions', p, X)`). Within those
 * floors, `maxRecords` per partition and `maxAgeMs` decide what goes.
 *
 * @example
 * const log = new EventLog(new EmbeddedBackend(), { offsets: new MemoryOffsetStore(), retention: { maxRecords: 100_000 } })
 * await log.createTopic('ticks', 4)
 * await log.append('ticks', String(chunkId), Buffer.from(json))
 * const c = log.consumer('analytics', 'ticks')
 */
import { checkPartition, checkTopic, partitionOf } from './partition.ts'
import { Consumer, type ConsumerOptions } from './consumer.ts'
import type { LogBackend, LogRecord, OffsetStore } from './types.ts'

export interface RetentionPolicy {
  /** Keep at most this many records per partition (beyond the floors). Default: unlimited. */
  maxRecords?: number
  /** Drop records older than this, ms (beyond the floors). Default: unlimited. */
  maxAgeMs?: number
}

export interface EventLogOptions { offsets: OffsetStore; retention?: RetentionPolicy }

export class EventLog {
  readonly offsets: OffsetStore
  private readonly parts = new Map<string, number>()
  private readonly pins = new Map<string, { topic: string; partition: number; offset: number }>()
  private retention: RetentionPolicy

  constructor(readonly backend: LogBackend, opts: EventLogOptions) {
    this.offsets = opts.offsets
    this.retention = opts.retention ?? {}
  }

  /** Creates (or opens) `topic` with `partitions` partitions (default 4). */
  async createTopic(topic: string, partitions = 4): Promise<void> {
    checkTopic(topic)
    await this.backend.ensureTopic(topic, partitions)
    this.parts.set(topic, partitions)
  }

  /** Number of partitions of a created topic (throws HEXD_BUS_BAD_TOPIC if not created). */
  partitions(topic: string): number {
    checkTopic(topic)
    const n = this.parts.get(topic)
    if (n === undefined) checkPartition(topic, 0, 0)
    return n!
  }

  /** The partition `key` goes to. */
  partitionFor(topic: string, key: string): number { return partitionOf(key, this.partitions(topic)) }

  /** Appends one record; resolves when stored. */
  async append(topic: string, key: string, value: Buffer): Promise<{ partition: number; offset: number }> {
    const partition = this.partitionFor(topic, key)
    const [offset] = await this.backend.append(topic, partition, [{ key, value }])
    return { partition, offset }
  }

  /** Appends many records, one backend call per partition, order kept within each partition. */
  async appendBatch(topic: string, items: Array<{ key: string; value: Buffer }>): Promise<Array<{ partition: number; offset: number }>> {
    const n = this.partitions(topic)
    const byPart = new Map<number, number[]>()
    items.forEach((it, i) => { const p = partitionOf(it.key, n); (byPart.get(p) ?? byPart.set(p, []).get(p)!).push(i) })
    const out = new Array<{ partition: number; offset: number }>(items.length)
    await Promise.all([...byPart].map(async ([p, idx]) => {
      const offs = await this.backend.append(topic, p, idx.map((i) => items[i]))
      idx.forEach((i, k) => { out[i] = { partition: p, offset: offs[k] } })
    }))
    return out
  }

  /** Replay: up to `max` records of a partition from `from` (HEXD_BUS_OFFSET_GONE below retention). */
  read(topic: string, partition: number, from: number, max = 1000): Promise<LogRecord[]> {
    checkPartition(topic, partition, this.partitions(topic))
    return this.backend.read(topic, partition, from, max)
  }

  bounds(topic: string, partition: number) {
    checkPartition(topic, partition, this.partitions(topic))
    return this.backend.bounds(topic, partition)
  }

  /** A consumer in `group` for `topic` (see {@link Consumer}). */
  consumer(group: string, topic: string, opts: ConsumerOptions = {}): Consumer {
    return new Consumer(this, group, topic, opts)
  }

  /** Keeps offsets >= `offset` of a partition until `unpin(name)` (e.g. what the latest snapshot needs). */
  pin(name: string, topic: string, partition: number, offset: number): void { this.pins.set(name, { topic, partition, offset }) }
  unpin(name: string): void { this.pins.delete(name) }

  setRetention(policy: RetentionPolicy): void { this.retention = policy }

  /**
   * Drops what retention allows, never past a group's committed offset or a
   * pin. Returns how many records went. Call it periodically (the daemon does).
   */
  async enforceRetention(now = Date.now()): Promise<{ dropped: number }> {
    let dropped = 0
    for (const [topic, n] of this.parts) {
      const committed = await this.offsets.list(topic)
      for (let p = 0; p < n; p++) {
        const { start, end } = await this.backend.bounds(topic, p)
        let cut = start
        if (this.retention.maxRecords !== undefined) cut = Math.max(cut, end - this.retention.maxRecords)
        if (this.retention.maxAgeMs !== undefined) {
          // Records are in time order: skip forward while too old (bounded reads).
          let at = cut
          for (;;) {
            const batch = await this.backend.read(topic, p, at, 1000)
            const young = batch.findIndex((r) => now - r.ts <= this.retention.maxAgeMs!)
            if (young >= 0) { at = batch[young].offset; break }
            if (batch.length === 0) break
            at = batch[batch.length - 1].offset + 1
          }
          cut = Math.max(cut, at)
        }
        for (const c of committed) if (c.partition === p) cut = Math.min(cut, c.next)
        for (const pin of this.pins.values()) if (pin.topic === topic && pin.partition === p) cut = Math.min(cut, pin.offset)
        if (cut > start) {
          await this.backend.truncateBefore(topic, p, cut)
          dropped += cut - start
        }
      }
    }
    return { dropped }
  }

  async close(): Promise<void> { await this.backend.close() }
}
