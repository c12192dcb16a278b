/**
 * The embedded log backend: partitions as in-memory arrays with a moving base
 * offset (records below it were dropped by retention). Appends wake waiting
 * readers at once. It lives as long as the daemon process; durability of
 * accepted actions is the store's job (its journal), and consumer offsets live
 * in the {@link OffsetStore}, so a consumer that crashes resumes where it
 * committed while the daemon keeps the log.
 *
 * @example
 * const log = new EventLog(new EmbeddedBackend(), { offsets: new MemoryOffsetStore() })
 */
import { HexdError } from '../errors.ts'
import type { Bounds, LogBackend, LogRecord, NewRecord } from './types.ts'

interface Partition { base: number; records: LogRecord[]; waiters: Set<() => void> }

export class EmbeddedBackend implements LogBackend {
  readonly kind = 'embedded' as const
  private readonly topics = new Map<string, Partition[]>()

  async ensureTopic(topic: string, partitions: number): Promise<void> {
    const cur = this.topics.get(topic) ?? []
    while (cur.length < partitions) cur.push({ base: 0, records: [], waiters: new Set() })
    this.topics.set(topic, cur)
  }

  private part(topic: string, p: number): Partition {
    const part = this.topics.get(topic)?.[p]
    if (!part) throw new HexdError('HEXD_BUS_BAD_TOPIC', `no partition ${p} of topic ${JSON.stringify(topic)}`, { field: 'topic' })
    return part
  }

  async append(topic: string, p: number, records: NewRecord[]): Promise<number[]> {
    const part = this.part(topic, p)
    const now = Date.now()
    const offsets: number[] = []
    for (const r of records) {
      const offset = part.base + part.records.length
      part.records.push({ offset, key: r.key, value: r.value, ts: r.ts ?? now })
      offsets.push(offset)
    }
    for (const w of part.waiters) w()
    part.waiters.clear()
    return offsets
  }

  async read(topic: string, p: number, from: number, max: number): Promise<LogRecord[]> {
    const part = this.part(topic, p)
    if (from < part.base) throw gone(topic, p, from, part.base)
    const i = from - part.base
    return part.records.slice(i, i + max)
  }

  wait(topic: string, p: number, from: number, timeoutMs: number): Promise<void> {
    const part = this.part(topic, p)
    if (part.base + part.records.length > from) return Promise.resolve()
    return new Promise((resolve) => {
      const done = () => { clearTimeout(timer); part.waiters.delete(done); resolve() }
      const timer = setTimeout(done, timeoutMs)
      part.waiters.add(done)
    })
  }

  async bounds(topic: string, p: number): Promise<Bounds> { return this.boundsNow(topic, p) }

  /** {@link bounds} without the promise. */
  boundsNow(topic: string, p: number): Bounds {
    const part = this.part(topic, p)
    return { start: part.base, end: part.base + part.records.length }
  }

  async truncateBefore(topic: string, p: number, offset: number): Promise<void> {
    const part = this.part(topic, p)
    const n = Math.min(Math.max(0, offset - part.base), part.records.length)
    if (n === 0) return
    part.records.splice(0, n)
    part.base += n
  }

  /**
   * Sets a partition's contents as loaded from disk (the file backend's
   * recovery): `base` is the first offset kept, `records` follow it densely.
   */
  restore(topic: string, p: number, base: number, records: LogRecord[]): void {
    const parts = this.topics.get(topic) ?? []
    while (parts.length <= p) parts.push({ base: 0, records: [], waiters: new Set() })
    this.topics.set(topic, parts)
    parts[p].base = base
    parts[p].records = records
  }

  /** Topics and their partition counts held now. */
  topicList(): Array<{ topic: string; partitions: number }> {
    return [...this.topics].map(([topic, parts]) => ({ topic, partitions: parts.length }))
  }

  async close(): Promise<void> {
    for (const parts of this.topics.values()) for (const p of parts) { for (const w of p.waiters) w() }
  }
}

/** The HEXD_BUS_OFFSET_GONE error for reading below retention. */
export function gone(topic: string, p: number, from: number, start: number): HexdError {
  return new HexdError('HEXD_BUS_OFFSET_GONE', `offset ${from} of ${topic}/${p} was dropped by retention; the earliest kept is ${start}`, { field: 'offset', details: { topic, partition: p, offset: from, start } })
}
