/**
 * A Kysely dialect for PGlite, small because PGlite is one in-process
 * connection speaking Postgres SQL: it reuses Kysely's Postgres adapter,
 * query compiler and introspector and only supplies the driver. Used by the
 * migration runner so the same Migrator runs on both backends.
 */
import {
  PostgresAdapter, PostgresIntrospector, PostgresQueryCompiler, CompiledQuery,
  type DatabaseConnection, type Dialect, type Driver, type Kysely, type QueryResult, type TransactionSettings,
} from 'kysely'

/** What the driver needs of PGlite: its query and exec (src/store/pglite.ts runs them on PGlite's thread). */
export interface PGliteLike {
  query<R>(sql: string, params: unknown[]): Promise<{ rows: R[]; affectedRows?: number }>
  exec(sql: string): Promise<Array<{ rows: unknown[]; affectedRows?: number }>>
}

/** The dialect: `new Kysely({ dialect: new PGliteDialect(pglite) })`. */
export class PGliteDialect implements Dialect {
  constructor(private readonly pg: PGliteLike) {}
  createAdapter() { return new PostgresAdapter() }
  createDriver(): Driver { return new PGliteDriver(this.pg) }
  createQueryCompiler() { return new PostgresQueryCompiler() }
  createIntrospector(db: Kysely<any>) { return new PostgresIntrospector(db) }
}

class PGliteDriver implements Driver {
  private readonly conn: PGliteConnection
  // PGlite has one session: connections are handed out one at a time so two
  // Kysely transactions never interleave on it.
  private queue: Promise<void> = Promise.resolve()
  private release?: () => void
  constructor(pg: PGliteLike) { this.conn = new PGliteConnection(pg) }
  async init(): Promise<void> {}
  async acquireConnection(): Promise<DatabaseConnection> {
    const prev = this.queue
    let release!: () => void
    this.queue = new Promise<void>((r) => { release = r })
    await prev
    this.release = release
    return this.conn
  }
  async beginTransaction(c: DatabaseConnection, _s: TransactionSettings): Promise<void> { await c.executeQuery(CompiledQuery.raw('begin')) }
  async commitTransaction(c: DatabaseConnection): Promise<void> { await c.executeQuery(CompiledQuery.raw('commit')) }
  async rollbackTransaction(c: DatabaseConnection): Promise<void> { await c.executeQuery(CompiledQuery.raw('rollback')) }
  async releaseConnection(): Promise<void> { this.release?.() }
  // The PGlite instance belongs to the Db that created this dialect.
  async destroy(): Promise<void> {}
}

class PGliteConnection implements DatabaseConnection {
  constructor(private readonly pg: PGliteLike) {}
  async executeQuery<R>(q: CompiledQuery): Promise<QueryResult<R>> {
    // A parameterless query may be a whole migration script (several
    // statements), which only the simple protocol (exec) accepts.
    if (q.parameters.length === 0) {
      const results = await this.pg.exec(q.sql)
      const last = results.at(-1)
      return { rows: (last?.rows ?? []) as R[], numAffectedRows: last?.affectedRows === undefined ? undefined : BigInt(last.affectedRows) }
    }
    const r = await this.pg.query<R>(q.sql, q.parameters as unknown[])
    return { rows: r.rows, numAffectedRows: r.affectedRows === undefined ? undefined : BigInt(r.affectedRows) }
  }
  // eslint-disable-next-line require-yield
  async *streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> { throw new Error('streaming is not supported on PGlite') }
}
