/**
 * The embedded backend: PGlite (Postgres compiled to WASM) in this process,
 * its files in a data directory. No server to set up, which is why it is the
 * default. Only one process may open a data directory at a time; a lock file
 * (`hexd.pid`) makes a second opener fail clearly instead of corrupting it.
 */
import { mkdirSync, readFileSync, writeFileSync, rmSync, existsSync } from 'node:fs'
import { join } from 'node:path'
import { Kysely } from 'kysely'
import type { PGlite } from '@electric-sql/pglite'
import { HexdError } from '../errors.ts'
import type { Db, Sql } from './db.ts'
import { PGliteDialect } from './kysely-pglite.ts'

/** True when a process with this pid is alive. */
export function pidAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false
  try { process.kill(pid, 0); return true } catch (e) { return (e as NodeJS.ErrnoException).code === 'EPERM' }
}

/** The pid holding `dir` open, or undefined when nobody (live) does. */
export function lockHolder(dir: string): number | undefined {
  const f = join(dir, 'hexd.pid')
  if (!existsSync(f)) return undefined
  const pid = Number(readFileSync(f, 'utf8').trim())
  return pidAlive(pid) && pid !== process.pid ? pid : undefined
}

/**
 * Opens (creating when absent) a PGlite database in `dir`.
 *
 * @example
 * const db = await openPGlite('.hexd/branches/main')
 * await db.query('select 1 as x') // [{ x: 1 }]
 */
export async function openPGlite(dir: string): Promise<Db> {
  mkdirSync(dir, { recursive: true })
  const holder = lockHolder(dir)
  if (holder !== undefined) {
    throw new HexdError('HEXD_DB_BUSY', `the data directory ${dir} is open in another hexd process (pid ${holder}); stop it first`, { field: 'data', details: { pid: holder } })
  }
  writeFileSync(join(dir, 'hexd.pid'), String(process.pid))
  const { PGlite } = await import('@electric-sql/pglite')
  let pg: PGlite
  try {
    pg = await PGlite.create(join(dir, 'pgdata'))
  } catch (err) {
    rmSync(join(dir, 'hexd.pid'), { force: true })
    throw new HexdError('HEXD_DB_UNAVAILABLE', `cannot open the PGlite database in ${dir}: ${(err as Error).message}`, { field: 'data', cause: err })
  }
  return new PGliteDb(pg, dir)
}

class PGliteDb implements Db {
  readonly kind = 'pglite' as const
  private k?: Kysely<any>
  private closed = false
  constructor(private readonly pg: PGlite, readonly location: string) {}

  async query<T>(sql: string, params: unknown[] = []): Promise<T[]> {
    return (await this.pg.query<T>(sql, params)).rows
  }

  transaction<T>(fn: (tx: Sql) => Promise<T>): Promise<T> {
    return this.pg.transaction(async (tx) => {
      const wrapped: Sql & { raw: typeof tx } = { raw: tx, query: async <R>(s: string, p: unknown[] = []) => (await tx.query<R>(s, p)).rows }
      return fn(wrapped)
    })
  }

  async copyFrom(tx: Sql, copySql: string, data: Uint8Array): Promise<void> {
    const raw = (tx as { raw?: { query: PGlite['query'] } }).raw
    if (!raw) throw new Error('copyFrom needs a transaction opened by this Db')
    await raw.query(copySql, [], { blob: new Blob([data as Uint8Array<ArrayBuffer>]) })
  }

  async exec(script: string): Promise<void> { await this.pg.exec(script) }

  kysely(): Kysely<any> {
    this.k ??= new Kysely<any>({ dialect: new PGliteDialect(this.pg) })
    return this.k
  }

  async close(): Promise<void> {
    if (this.closed) return
    this.closed = true
    // Kysely's destroy would close the PGlite instance too; we own that here.
    await this.pg.close()
    rmSync(join(this.location, 'hexd.pid'), { force: true })
  }
}
