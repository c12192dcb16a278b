/**
 * The embedded backend: PGlite (Postgres compiled to WASM) in this process, on
 * a thread of its own (pglite-thread.ts says why), its files in a data
 * directory. No server to set up, which is why it is the default. Only one
 * process may open a data directory at a time; a lock file (`hexd.pid`) makes a
 * second opener fail clearly instead of corrupting it.
 */
import { mkdirSync, readFileSync, writeFileSync, rmSync, existsSync } from 'node:fs'
import { join } from 'node:path'
import { Kysely } from 'kysely'
import { HexdError } from '../errors.ts'
import type { Db, Sql } from './db.ts'
import { PGliteDialect } from './kysely-pglite.ts'
import { PGliteThread } from './pglite-thread.ts'

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
  let pg: PGliteThread
  try {
    pg = await PGliteThread.start(join(dir, 'pgdata'))
  } catch (err) {
    rmSync(join(dir, 'hexd.pid'), { force: true })
    throw new HexdError('HEXD_DB_UNAVAILABLE', `cannot open the PGlite database in ${dir}: ${(err as Error).message}`, { field: 'data', cause: err })
  }
  return new PGliteDb(pg, dir)
}

/**
 * The transaction handle PGliteDb gives `fn` (copyFrom checks it came from here). A write
 * transaction's handle records statements (`record`) instead of running them.
 */
interface PGliteTx extends Sql { readonly owner: PGliteDb; readonly record?: Array<{ sql: string; params: unknown[]; blob?: Uint8Array }> }

class PGliteDb implements Db {
  readonly kind = 'pglite' as const
  private k?: Kysely<any>
  private closed = false
  /** Settles when the open transaction ends; null when none is open. */
  private txEnd: Promise<void> | null = null
  constructor(private readonly pg: PGliteThread, readonly location: string) {}

  /**
   * PGlite is one session: a statement sent while a transaction is open would
   * run inside it. Statements from outside the transaction wait for its end.
   */
  private async idle(): Promise<void> {
    while (this.txEnd) await this.txEnd
  }

  async query<T>(sql: string, params: unknown[] = []): Promise<T[]> {
    if (this.txEnd) await this.idle()
    return (await this.pg.query<T>(sql, params)).rows
  }

  async queryWaiting<T>(sql: string, params: unknown[], waitMs: number): Promise<T[]> {
    // Behind an open transaction there is nothing to wait for synchronously.
    if (this.txEnd) { await this.idle(); return (await this.pg.query<T>(sql, params)).rows }
    return (await this.pg.query<T>(sql, params, undefined, waitMs)).rows
  }

  async transaction<T>(fn: (tx: Sql) => Promise<T>): Promise<T> {
    await this.idle()
    let end!: () => void
    this.txEnd = new Promise<void>((r) => { end = r })
    const tx: PGliteTx = { owner: this, query: async <R>(s: string, p: unknown[] = []) => (await this.pg.query<R>(s, p)).rows }
    try {
      await this.pg.query('BEGIN')
      let out: T
      try {
        out = await fn(tx)
      } catch (err) {
        await this.pg.query('ROLLBACK').catch(() => {})
        throw err
      }
      await this.pg.query('COMMIT')
      return out
    } finally {
      this.txEnd = null
      end()
    }
  }

  /**
   * A write-only transaction as one message to PGlite's thread. Why: with `transaction`, every
   * statement is a round trip through this thread's event loop, and while the daemon's loop is
   * busy with a thousand sockets each took milliseconds; the journal's commit, which must not
   * run inside another transaction, waited behind a write-behind flush of a dozen statements for
   * tens of ms, once a second (docs/SERVE.md "Fifth pass").
   */
  async writeTransaction(fn: (tx: Sql) => Promise<void>): Promise<void> {
    const record: NonNullable<PGliteTx['record']> = []
    const tx: PGliteTx = { owner: this, record, query: async <R>(sql: string, params: unknown[] = []) => { record.push({ sql, params }); return [] as R[] } }
    await fn(tx)
    if (record.length === 0) return
    await this.idle()
    await this.pg.tx(record)
  }

  async copyFrom(tx: Sql, copySql: string, data: Uint8Array): Promise<void> {
    if ((tx as Partial<PGliteTx>).owner !== this) throw new Error('copyFrom needs a transaction opened by this Db')
    const record = (tx as PGliteTx).record
    if (record) { record.push({ sql: copySql, params: [], blob: data }); return }
    await this.pg.query(copySql, [], data)
  }

  async exec(script: string): Promise<void> {
    if (this.txEnd) await this.idle()
    await this.pg.exec(script)
  }

  kysely(): Kysely<any> {
    this.k ??= new Kysely<any>({ dialect: new PGliteDialect(this.pg) })
    return this.k
  }

  async close(): Promise<void> {
    if (this.closed) return
    this.closed = true
    await this.idle()
    await this.pg.close()
    rmSync(join(this.location, 'hexd.pid'), { force: true })
  }
}
