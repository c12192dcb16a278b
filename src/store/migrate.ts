/**
 * The migration runner: kysely's Migrator over the numbered SQL files in
 * migrations/ (NNNN_name.sql, applied in name order, each in its own
 * transaction, recorded in kysely_migration). Forward-only: a migration is
 * never edited once applied; a fix is a new file.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { join, dirname } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Migrator, sql, type Migration, type MigrationProvider } from 'kysely'
import { HexdError } from '../errors.ts'
import type { Db } from './db.ts'

/** The repository's migrations/ folder. */
export const MIGRATIONS_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'migrations')

const NAME = /^(\d{4})_[a-z0-9_]+\.sql$/

/** Reads migrations/*.sql as kysely migrations (the name without .sql is the key). */
export class SqlFileProvider implements MigrationProvider {
  constructor(private readonly dir = MIGRATIONS_DIR) {}
  async getMigrations(): Promise<Record<string, Migration>> {
    const out: Record<string, Migration> = {}
    for (const file of readdirSync(this.dir).sort()) {
      if (!file.endsWith('.sql')) continue
      if (!NAME.test(file)) throw new HexdError('HEXD_DB_MIGRATION', `migration file ${file} is not named NNNN_name.sql`, { field: 'migrations' })
      const text = readFileSync(join(this.dir, file), 'utf8')
      out[file.slice(0, -4)] = { up: async (db) => { await sql.raw(text).execute(db) } }
    }
    return out
  }
}

export interface MigrationStatus { name: string; applied: boolean; executedAt?: string }

function migrator(db: Db, dir?: string): Migrator {
  return new Migrator({ db: db.kysely(), provider: new SqlFileProvider(dir) })
}

/**
 * Applies every pending migration and returns the names applied now.
 *
 * @example
 * await migrate(db) // ['0001_init'] the first time, [] afterwards
 */
export async function migrate(db: Db, dir?: string): Promise<string[]> {
  const { error, results } = await migrator(db, dir).migrateToLatest()
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName
    throw new HexdError('HEXD_DB_MIGRATION', `migration ${failed ?? '(before any migration ran)'} failed: ${(error as Error).message ?? String(error)}`, { field: 'migrations', cause: error })
  }
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName)
}

/** Every migration in migrations/ with whether (and when) it is applied. */
export async function migrationStatus(db: Db, dir?: string): Promise<MigrationStatus[]> {
  const list = await migrator(db, dir).getMigrations()
  return list.map((m) => ({ name: m.name, applied: m.executedAt !== undefined, ...(m.executedAt ? { executedAt: m.executedAt.toISOString() } : {}) }))
}
