/**
 * The server backend: a real Postgres reached through `pg` (a Pool), chosen by
 * `--database-url` / `DATABASE_URL`. A broken connection never crashes the
 * process: idle-client errors are logged and the next query reconnects, which
 * is what lets the journal and the flusher ride out a Postgres restart.
 */
import pg from 'pg'
import { Kysely, PostgresDialect } from 'kysely'
import { HexdError } from '../errors.ts'
import { redactUrl, type Db, type Sql } from './db.ts'
import { log } from './log.ts'

// int8 → number: every id/tick/seq hexd stores is a safe integer, and both
// backends must hand back the same JS types.
const types = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === 20) return (v: string) => Number(v)
    return pg.types.getTypeParser(oid, format as 'text')
  },
}

/** Pool settings shared by the store and its tests. */
export function poolConfig(url: string, max = 4): pg.PoolConfig {
  return { connectionString: url, max, types: types as pg.CustomTypesConfig, connectionTimeoutMillis: 5000, idleTimeoutMillis: 10000, application_name: 'hexd' }
}

/**
 * Opens a Postgres database at `url` and checks that it answers.
 *
 * @example
 * const db = await openPg('postgres://postgres@127.0.0.1:5432/test')
 */
export async function openPg(url: string, opts: { check?: boolean } = {}): Promise<Db> {
  const pool = new pg.Pool(poolConfig(url))
  pool.on('error', (err) => log.warn({ err: err.message, db: redactUrl(url) }, 'postgres connection lost; the next query reconnects'))
  const db = new PgDb(pool, redactUrl(url))
  if (opts.check !== false) {
    try {
      await pool.query('select 1')
    } catch (err) {
      await pool.end().catch(() => {})
      throw new HexdError('HEXD_DB_UNAVAILABLE', `cannot reach Postgres at ${redactUrl(url)}: ${(err as Error).message}`, { field: 'database-url', cause: err })
    }
  }
  return db
}

class PgDb implements Db {
  readonly kind = 'pg' as const
  private k?: Kysely<any>
  private closed = false
  constructor(private readonly pool: pg.Pool, readonly location: string) {}

  async query<T>(sql: string, params: unknown[] = []): Promise<T[]> {
    return (await this.pool.query(sql, params as unknown[])).rows as T[]
  }

  writeTransaction(fn: (tx: Sql) => Promise<void>): Promise<void> { return this.transaction(fn) }

  async transaction<T>(fn: (tx: Sql) => Promise<T>): Promise<T> {
    const client = await this.pool.connect()
    let broken = false
    // A checked-out client is ours to watch: the pool's error handler covers idle clients only,
    // and a connection that dies between two statements emits 'error' on the client, which with
    // no listener would crash the process. The statement in flight rejects on its own.
    const onError = (err: Error) => { broken = true; log.warn({ err: err.message, db: this.location }, 'postgres connection lost inside a transaction') }
    client.on('error', onError)
    try {
      await client.query('begin')
      const out = await fn({ query: async <R>(s: string, p: unknown[] = []) => (await client.query(s, p as unknown[])).rows as R[] })
      await client.query('commit')
      return out
    } catch (err) {
      await client.query('rollback').catch(() => { broken = true })
      throw err
    } finally {
      // A broken client is discarded and may still report its end: keep listening to it.
      if (!broken) client.off('error', onError)
      client.release(broken)
    }
  }

  async exec(script: string): Promise<void> { await this.pool.query(script) }

  kysely(): Kysely<any> {
    // A separate small pool: Kysely's destroy() ends its own pool only.
    if (!this.k) {
      const pool = new pg.Pool({ ...poolConfig(this.connectionString(), 1), idleTimeoutMillis: 1000 })
      pool.on('error', (err) => log.warn({ err: err.message, db: this.location }, 'postgres (migrations) connection lost'))
      this.k = new Kysely<any>({ dialect: new PostgresDialect({ pool }) })
    }
    return this.k
  }

  private connectionString(): string { return (this.pool.options as pg.PoolConfig).connectionString! }

  async close(): Promise<void> {
    if (this.closed) return
    this.closed = true
    await this.k?.destroy()
    await this.pool.end()
  }
}
