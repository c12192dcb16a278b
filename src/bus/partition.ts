/**
 * Topic names and the key → partition mapping. Keys are hashed with 32-bit
 * FNV-1a of their decimal/string form, so every process (and every backend)
 * puts a given chunk id in the same partition, and one chunk's events stay in
 * order.
 *
 * @example
 * partitionOf('12345', 8) // => always the same partition in 0..7
 */
import { HexdError } from '../errors.ts'

/** Throws HEXD_BUS_BAD_TOPIC unless `topic` is 1-64 of [A-Za-z0-9_-] (safe as a NATS stream name). */
export function checkTopic(topic: string): void {
  if (typeof topic !== 'string' || !/^[A-Za-z0-9_-]{1,64}$/.test(topic)) {
    throw new HexdError('HEXD_BUS_BAD_TOPIC', `topic must be 1-64 characters of A-Z a-z 0-9 _ -, got ${JSON.stringify(topic)}`, { field: 'topic' })
  }
}

/** Throws HEXD_BUS_BAD_TOPIC unless `p` is a partition of a topic with `count` partitions. */
export function checkPartition(topic: string, p: number, count: number): void {
  if (!Number.isInteger(p) || p < 0 || p >= count) {
    throw new HexdError('HEXD_BUS_BAD_TOPIC', `partition must be an integer from 0 to ${count - 1} for topic ${topic}, got ${JSON.stringify(p)}`, { field: 'partition' })
  }
}

/** The partition of `key` among `count` partitions (FNV-1a 32). */
export function partitionOf(key: string, count: number): number {
  let h = 0x811c9dc5
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i)
    h = Math.imul(h, 0x01000193)
  }
  return (h >>> 0) % count
}
