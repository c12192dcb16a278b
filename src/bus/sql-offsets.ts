/**
 * {@link OffsetStore} in the store's database (table `consumer_offsets` of
 * migrations/0001_init.sql: consumer, topic, "offset"). A partition is kept as
 * topic `<topic>/<partition>`, so the store's schema needs no change. Commits
 * never move an offset backwards (GREATEST), so a late, redelivered commit is
 * harmless.
 *
 * `commitIn(tx, …)` writes the offset inside the caller's transaction: the
 * persistence writer saves its state and its offset atomically, with
 * `log.consumer(group, topic, { autoCommit: false })`.
 *
 * @example
 * const offsets = new SqlOffsetStore(store.db)
 * await store.db.transaction(async (tx) => { await writeChunks(tx, batch); await offsets.commitIn(tx, 'persist', 'chunks', batch.partition, batch.next) })
 */
import type { Sql } from '../store/db.ts'
import type { OffsetStore } from './types.ts'

export class SqlOffsetStore implements OffsetStore {
  constructor(private readonly db: Sql) {}

  async load(group: string, topic: string, partition: number): Promise<number | undefined> {
    const rows = await this.db.query<{ offset: number | string }>('SELECT "offset" FROM consumer_offsets WHERE consumer = $1 AND topic = $2', [group, `${topic}/${partition}`])
    return rows.length ? Number(rows[0].offset) : undefined
  }

  commit(group: string, topic: string, partition: number, next: number): Promise<void> {
    return this.commitIn(this.db, group, topic, partition, next)
  }

  /** Commits through `tx` (an open transaction of the same database). */
  async commitIn(tx: Sql, group: string, topic: string, partition: number, next: number): Promise<void> {
    await tx.query(
      `INSERT INTO consumer_offsets (consumer, topic, "offset") VALUES ($1, $2, $3)
       ON CONFLICT (consumer, topic) DO UPDATE SET "offset" = GREATEST(consumer_offsets."offset", EXCLUDED."offset"), updated_at = now()`,
      [group, `${topic}/${partition}`, next],
    )
  }

  /**
   * Sets the offset to exactly `next` through `tx`, also backwards: for a
   * writer that found its offsets outside the log (the log was reset) and
   * has rewritten its state from the source instead.
   */
  async setIn(tx: Sql, group: string, topic: string, partition: number, next: number): Promise<void> {
    await tx.query(
      `INSERT INTO consumer_offsets (consumer, topic, "offset") VALUES ($1, $2, $3)
       ON CONFLICT (consumer, topic) DO UPDATE SET "offset" = EXCLUDED."offset", updated_at = now()`,
      [group, `${topic}/${partition}`, next],
    )
  }

  async list(topic: string): Promise<Array<{ group: string; partition: number; next: number }>> {
    const rows = await this.db.query<{ consumer: string; topic: string; offset: number | string }>(
      `SELECT consumer, topic, "offset" FROM consumer_offsets WHERE starts_with(topic, $1)`, [`${topic}/`])
    return rows
      .map((r) => ({ group: r.consumer, partition: Number(r.topic.slice(topic.length + 1)), next: Number(r.offset) }))
      .filter((r) => Number.isInteger(r.partition))
  }
}
