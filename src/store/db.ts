/**
 * The store's database handle: one small interface (`Db`) that both backends
 * implement — embedded PGlite (src/store/pglite.ts) and a real Postgres server
 * through `pg` (src/store/pg.ts) — so every other store module is written once.
 *
 * Conventions both backends keep: int8 columns come back as JS numbers (every
 * id and tick hexd stores is a safe integer), bytea as Uint8Array, jsonb parsed.
 */
import type { Kysely } from 'kysely'

/** Something that runs parameterised SQL: a database or an open transaction. */
export interface Sql {
  /** Runs one statement with `$1..$n` parameters and returns its rows. */
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>
}

export type DbKind = 'pglite' | 'pg'

/** An open database of either backend. */
export interface Db extends Sql {
  readonly kind: DbKind
  /** Where it lives, safe to print (a directory, or a URL without password). */
  readonly location: string
  /** Runs `fn` inside BEGIN/COMMIT (ROLLBACK when it throws) on one connection. */
  transaction<T>(fn: (tx: Sql) => Promise<T>): Promise<T>
  /**
   * Runs the writes `fn` makes as one transaction, for write-only work (write-behind flushes): a
   * statement's result is not available inside `fn` (PGlite resolves every `tx.query` with no
   * rows and sends the statements to its thread in one message once `fn` returns, so nothing
   * else waits behind the transaction while the daemon's loop is busy; Postgres runs it as
   * `transaction`).
   */
  writeTransaction(fn: (tx: Sql) => Promise<void>): Promise<void>
  /**
   * `query`, but the calling thread may block up to `waitMs` for the answer, so that the promise
   * settles before the event loop runs anything else (PGlite only: its thread answers through a
   * channel this thread can read synchronously; see pglite-thread.ts). For a short statement on a
   * latency-critical path: the journal commit every reply of a tick waits for.
   */
  queryWaiting?<T = Record<string, unknown>>(sql: string, params: unknown[], waitMs: number): Promise<T[]>
  /** Runs a script of several statements without parameters. */
  exec(script: string): Promise<void>
  /** A Kysely instance on this database (used by the migration runner). */
  kysely(): Kysely<any>
  /**
   * Runs `COPY … FROM '/dev/blob'` feeding it `data`, inside `tx` (PGlite
   * only; absent on backends without it).
   */
  copyFrom?(tx: Sql, copySql: string, data: Uint8Array): Promise<void>
  /** Closes every connection; the Db is unusable afterwards. */
  close(): Promise<void>
}

/** Removes the password from a postgres URL so it can be logged or printed. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url)
    if (u.password) u.password = '***'
    return u.toString()
  } catch {
    return '<unparseable database url>'
  }
}
