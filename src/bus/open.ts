/**
 * Opens the event log the daemon and tools use: the embedded backend by
 * default (durable in `dir` when given, else in memory), NATS JetStream when `bus` is a nats:// URL (`--bus nats://host:port`).
 *
 * @example
 * const log = await openEventLog({ bus: process.env.HEXD_BUS })
 */
import { HexdError } from '../errors.ts'
import { EmbeddedBackend } from './embedded.ts'
import { EventLog, type RetentionPolicy } from './log.ts'
import { MemoryOffsetStore } from './offsets.ts'
import type { OffsetStore } from './types.ts'

export interface OpenOptions {
  /** undefined / 'embedded' = in-process log; 'nats://host:port' = JetStream. */
  bus?: string
  /** Committed offsets (default in-memory; the store passes its SQL one). */
  offsets?: OffsetStore
  retention?: RetentionPolicy
  /** NATS stream/subject prefix (default 'hexd'). */
  namespace?: string
  /**
   * Embedded only: keep the log durable in this directory (segment files, fsync per
   * group commit; see file.ts). Absent: the embedded log lives in memory only.
   */
  dir?: string
}

export async function openEventLog(o: OpenOptions = {}): Promise<EventLog> {
  const offsets = o.offsets ?? new MemoryOffsetStore()
  if (!o.bus || o.bus === 'embedded') {
    if (!o.dir) return new EventLog(new EmbeddedBackend(), { offsets, retention: o.retention })
    const { FileBackend } = await import('./file.ts')
    return new EventLog(await FileBackend.open(o.dir), { offsets, retention: o.retention })
  }
  if (/^nats:\/\/[^/\s]+$/.test(o.bus)) {
    const { NatsBackend } = await import('./nats.ts')
    return new EventLog(await NatsBackend.connect(o.bus, { namespace: o.namespace }), { offsets, retention: o.retention })
  }
  throw new HexdError('HEXD_BAD_OPTION', `--bus must be "embedded" or nats://HOST:PORT, got ${JSON.stringify(o.bus)}`, { field: 'bus' })
}
