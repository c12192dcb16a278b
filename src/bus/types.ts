/**
 * Shapes of the event log (Kafka-style): a topic is split into partitions,
 * each an ordered append-only sequence of records numbered by offset from 0.
 * Backends ({@link LogBackend}) store partitions; {@link OffsetStore}s keep
 * each consumer group's committed offset. Offsets committed are always the
 * *next* offset to consume (Kafka's convention): committing 10 means records
 * 0..9 are done.
 */

/** One stored record. `key` chose the partition (e.g. a chunk id). */
export interface LogRecord { offset: number; key: string; value: Buffer; ts: number }

/** A record to append. */
export interface NewRecord { key: string; value: Buffer; ts?: number }

/** Retained range of a partition: offsets `start` (first kept) up to `end` (next to be written). */
export interface Bounds { start: number; end: number }

/**
 * A reader a backend may offer for consumer groups (NATS: a durable consumer
 * with explicit ack). `next` returns records from the reader's position,
 * waiting up to `waitMs` when there are none; `ack(next)` acknowledges every
 * record below `next`.
 */
export interface GroupReader {
  next(max: number, waitMs: number): Promise<LogRecord[]>
  ack(next: number): Promise<void>
  close(): Promise<void>
}

/** Where partitions live. Implemented by the embedded log and by NATS JetStream. */
export interface LogBackend {
  readonly kind: 'embedded' | 'nats'
  /** Creates the topic's partitions if missing (idempotent). */
  ensureTopic(topic: string, partitions: number): Promise<void>
  /** Appends in order; resolves with each record's offset once stored. */
  append(topic: string, partition: number, records: NewRecord[]): Promise<number[]>
  /** Up to `max` records from offset `from`; HEXD_BUS_OFFSET_GONE if `from` < start. */
  read(topic: string, partition: number, from: number, max: number): Promise<LogRecord[]>
  /** Resolves when a record at `from` exists, or after `timeoutMs`. */
  wait(topic: string, partition: number, from: number, timeoutMs: number): Promise<void>
  bounds(topic: string, partition: number): Promise<Bounds>
  /** Drops every record below `offset`. */
  truncateBefore(topic: string, partition: number, offset: number): Promise<void>
  /** Optional group reader (see {@link GroupReader}); without one, consumers poll `read`. */
  openGroupReader?(group: string, topic: string, partition: number, from: number): Promise<GroupReader>
  close(): Promise<void>
}

/**
 * Committed offsets of consumer groups. The in-memory one is
 * {@link MemoryOffsetStore}; the store (src/store) provides a SQL one whose
 * `commit` can join the caller's transaction, so the persistence writer
 * commits its offset in the same transaction as the state it writes.
 */
export interface OffsetStore {
  /** The group's next offset for the partition, or undefined if it never committed. */
  load(group: string, topic: string, partition: number): Promise<number | undefined>
  /** Records that the group is done with everything below `next`. Never moves backwards. */
  commit(group: string, topic: string, partition: number, next: number): Promise<void>
  /** Every group's committed offset for `topic` (retention keeps what any of them still needs). */
  list(topic: string): Promise<Array<{ group: string; partition: number; next: number }>>
}
