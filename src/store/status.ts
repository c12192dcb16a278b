/**
 * `hexd db status` data: backend, branch, migrations, the journal head, the
 * latest snapshot and table counts — everything read-only.
 */
import type { Db } from './db.ts'
import { migrationStatus, type MigrationStatus } from './migrate.ts'
import { readHead } from './journal.ts'

export interface DbStatus {
  backend: 'pglite' | 'postgres'
  location: string
  branch: string
  migrations: MigrationStatus[]
  pending: string[]
  head: { tick: number; hash: string } | null
  snapshot: { tick: number; hash: string; format: number; bytes: number } | null
  counts: { chunks: number; players: number; events: number; snapshots: number } | null
  world: { seed: number; size: number } | null
}

/** Reads the status of an open database (migrated or not). */
export async function dbStatus(db: Db, branch: string): Promise<DbStatus> {
  const migrations = await migrationStatus(db)
  const pending = migrations.filter((m) => !m.applied).map((m) => m.name)
  const base = { backend: db.kind === 'pg' ? 'postgres' as const : 'pglite' as const, location: db.location, branch, migrations, pending }
  if (!migrations.some((m) => m.name === '0001_init' && m.applied)) return { ...base, head: null, snapshot: null, counts: null, world: null }
  const head = (await readHead(db)) ?? null
  const snap = (await db.query<{ tick: number; hash: string; format: number; bytes: number }>('SELECT tick, hash, format, octet_length(data)::int8 AS bytes FROM snapshots ORDER BY tick DESC, id DESC LIMIT 1'))[0] ?? null
  // `events` counts journaled actions: since migration 0003 a row of events holds a tick's actions.
  const actions = migrations.some((m) => m.name === '0003_journal_tick_rows' && m.applied) ? 'journal_actions' : 'events'
  const [c] = await db.query<{ chunks: number; players: number; events: number; snapshots: number }>(
    `SELECT (SELECT count(*) FROM chunks)::int8 AS chunks, (SELECT count(*) FROM players)::int8 AS players, (SELECT count(*) FROM ${actions})::int8 AS events, (SELECT count(*) FROM snapshots)::int8 AS snapshots`)
  const meta = await db.query<{ key: string; value: number }>(`SELECT key, value FROM world_meta WHERE key IN ('seed', 'size')`)
  const m = new Map(meta.map((r) => [r.key, Number(r.value)]))
  return { ...base, head, snapshot: snap, counts: c, world: m.has('seed') ? { seed: m.get('seed')!, size: m.get('size')! } : null }
}
