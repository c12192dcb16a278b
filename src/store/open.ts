/**
 * Opening the store: picks the backend (Postgres when a database URL is given
 * by `--database-url` or `DATABASE_URL`, else embedded PGlite under `--data`,
 * default `./.hexd`), resolves the branch (`--db-branch NAME|auto` >
 * `HEXD_DB_BRANCH` > `<data>/HEAD` > main) and applies pending migrations.
 */
import { HexdError } from '../errors.ts'
import type { Db } from './db.ts'
import { openPGlite } from './pglite.ts'
import { openPg } from './pg.ts'
import { migrate } from './migrate.ts'
import { MAIN, branchExists, checkBranchName, createBranch, currentBranch, gitBranch, pgBranchDb, pgliteBranchDir, withDb, type StoreTarget } from './branches.ts'
import { log } from './log.ts'

export interface OpenOptions {
  /** PGlite data directory, and where HEAD lives for both backends. Default HEXD_DATA or ./.hexd */
  data?: string
  /** Postgres URL. Default DATABASE_URL; absent = PGlite. */
  databaseUrl?: string
  /** Branch name, or 'auto' for the current git branch. Default HEXD_DB_BRANCH, then <data>/HEAD, then main. */
  branch?: string
  /** Apply pending migrations (default true). */
  migrate?: boolean
}

export interface OpenedStore { db: Db; branch: string; target: StoreTarget; applied: string[] }

/** The backend target the options name (no I/O). */
export function storeTarget(opts: OpenOptions = {}): StoreTarget {
  const databaseUrl = opts.databaseUrl ?? (process.env.DATABASE_URL || undefined)
  return { data: opts.data ?? process.env.HEXD_DATA ?? './.hexd', ...(databaseUrl ? { databaseUrl } : {}) }
}

/**
 * Opens the store's database for the resolved branch, migrated.
 *
 * @example
 * const { db, branch } = await openStore({ data: '.hexd' })   // PGlite, branch main
 * const s = await openStore({ databaseUrl: 'postgres://postgres@127.0.0.1/test', branch: 'exp' })
 */
export async function openStore(opts: OpenOptions = {}): Promise<OpenedStore> {
  const target = storeTarget(opts)
  let branch = opts.branch ?? process.env.HEXD_DB_BRANCH ?? currentBranch(target.data)
  if (branch === 'auto') {
    branch = gitBranch()
    if (!(await branchExists(target, branch))) {
      log.info({ branch }, '--db-branch auto: creating a branch for the current git branch from main')
      await createBranch(target, branch, { from: MAIN })
    }
  }
  checkBranchName(branch)
  if (branch !== MAIN && !(await branchExists(target, branch))) {
    throw new HexdError('HEXD_BRANCH_NOT_FOUND', `branch ${JSON.stringify(branch)} does not exist (create it with: hexd db branch create ${branch})`, { field: 'db-branch' })
  }
  const db = target.databaseUrl
    ? await openPgCreating(withDb(target.databaseUrl, pgBranchDb(target.databaseUrl, branch)), branch === MAIN)
    : await openPGlite(pgliteBranchDir(target.data, branch))
  let applied: string[] = []
  try {
    if (opts.migrate !== false) applied = await migrate(db)
  } catch (err) {
    await db.close()
    throw err
  }
  if (applied.length) log.info({ applied, branch, db: db.location }, 'applied migrations')
  return { db, branch, target, applied }
}

/** Opens a Postgres database; the main branch's database is created when it does not exist yet. */
async function openPgCreating(url: string, create: boolean): Promise<Db> {
  try {
    return await openPg(url)
  } catch (err) {
    const missing = /database ".*" does not exist/.test((err as Error).message)
    if (!create || !missing) throw err
    const name = decodeURIComponent(new URL(url).pathname.slice(1))
    const admin = await openPg(withDb(url, 'postgres'))
    try { await admin.exec(`CREATE DATABASE "${name.replace(/"/g, '""')}"`) } finally { await admin.close() }
    log.info({ db: name }, 'created the Postgres database')
    return openPg(url)
  }
}
