/**
 * Database branches (the seed's Neon branching, without a cloud): a branch is a
 * full, independent copy of its parent taken at creation, so writes on a
 * branch never reach the parent.
 *
 * - PGlite: `<data>/branches/<name>/` is one PGlite data directory per branch;
 *   create copies the parent's directory (refused while a process holds the
 *   parent open, since a live directory is not a consistent copy).
 * - Postgres: the URL's database is branch `main`; branch X is the database
 *   `<db>__<x>` created with `CREATE DATABASE … TEMPLATE <parent>`. Postgres
 *   needs the template to have no other sessions, so create first drains the
 *   parent: it blocks new connections, waits for the existing ones to leave (up
 *   to `drainMs`), terminates those still there (logging each pid), copies, and
 *   re-allows connections.
 *
 * The current branch (`hexd db branch use`) is remembered in `<data>/HEAD`.
 */
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { execFileSync } from 'node:child_process'
import { HexdError } from '../errors.ts'
import { lockHolder } from './pglite.ts'
import { openPg } from './pg.ts'
import { log } from './log.ts'

export const MAIN = 'main'
const NAME = /^[A-Za-z0-9._\/-]{1,40}$/

export interface BranchInfo { name: string; parent: string | null; createdAt: string | null; current: boolean; location: string }

/** Where a store lives: a PGlite data dir, or a Postgres URL (plus the data dir for HEAD). */
export interface StoreTarget { data: string; databaseUrl?: string }

/** Throws HEXD_BAD_BRANCH unless `name` is a valid branch name. */
export function checkBranchName(name: string): string {
  if (!NAME.test(name) || name.includes('..') || name.startsWith('/') || name.endsWith('/')) {
    throw new HexdError('HEXD_BAD_BRANCH', `branch name must be 1-40 of letters, digits, . _ - / (no "..", no leading or trailing /), got ${JSON.stringify(name)}`, { field: 'branch' })
  }
  return name
}

/** The branch named in `<data>/HEAD`, else main. */
export function currentBranch(data: string): string {
  const f = join(data, 'HEAD')
  return existsSync(f) ? readFileSync(f, 'utf8').trim() || MAIN : MAIN
}

/** The git branch of the working directory (for `--db-branch auto`); main for master/detached. */
export function gitBranch(cwd = process.cwd()): string {
  const git = (...args: string[]) => execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim()
  try { git('rev-parse', '--git-dir') } catch {
    throw new HexdError('HEXD_BAD_BRANCH', `--db-branch auto needs a git work tree, and ${cwd} is not one`, { field: 'db-branch' })
  }
  let b = ''
  // symbolic-ref also works on a branch with no commit yet; it fails when detached.
  try { b = git('symbolic-ref', '--short', '-q', 'HEAD') } catch { b = '' }
  return b === '' || b === 'master' ? MAIN : b
}

// ---- PGlite ---------------------------------------------------------------

/** The PGlite data directory of `branch` under `data`. */
export function pgliteBranchDir(data: string, branch: string): string {
  return join(data, 'branches', encodeURIComponent(branch))
}

interface PgliteMeta { [name: string]: { parent: string | null; createdAt: string } }
function readMeta(data: string): PgliteMeta {
  const f = join(data, 'branches.json')
  return existsSync(f) ? JSON.parse(readFileSync(f, 'utf8')) : {}
}
function writeMeta(data: string, meta: PgliteMeta): void {
  mkdirSync(data, { recursive: true })
  writeFileSync(join(data, 'branches.json'), JSON.stringify(meta, null, 2) + '\n')
}

// ---- Postgres -------------------------------------------------------------

function baseDb(url: string): string { return decodeURIComponent(new URL(url).pathname.slice(1)) || 'postgres' }

/** The database that holds `branch` for the store at `url`. */
export function pgBranchDb(url: string, branch: string): string {
  const base = baseDb(url)
  if (branch === MAIN) return base
  // Postgres identifiers are at most 63 bytes; a short digest keeps distinct
  // names distinct after sanitizing.
  let h = 0
  for (const c of branch) h = (Math.imul(h, 31) + c.charCodeAt(0)) >>> 0
  const slug = branch.toLowerCase().replace(/[^a-z0-9]+/g, '_').slice(0, 24)
  return `${base.slice(0, 28)}__${slug}_${h.toString(36)}`
}

/** `url` with its database replaced by `db`. */
export function withDb(url: string, db: string): string {
  const u = new URL(url)
  u.pathname = '/' + encodeURIComponent(db)
  return u.toString()
}

const q = (ident: string) => '"' + ident.replace(/"/g, '""') + '"'

interface PgBranchRow { datname: string; comment: string | null }
async function pgBranches(url: string): Promise<Map<string, { db: string; parent: string | null; createdAt: string | null }>> {
  const admin = await openPg(withDb(url, 'postgres'))
  try {
    const rows = await admin.query<PgBranchRow>(`select datname, shobj_description(oid, 'pg_database') as comment from pg_database`)
    const base = baseDb(url)
    const out = new Map<string, { db: string; parent: string | null; createdAt: string | null }>()
    if (rows.some((r) => r.datname === base)) out.set(MAIN, { db: base, parent: null, createdAt: null })
    for (const r of rows) {
      try {
        const c = r.comment ? JSON.parse(r.comment) : null
        if (c?.hexdBranch && c.base === base) out.set(c.hexdBranch, { db: r.datname, parent: c.parent ?? null, createdAt: c.createdAt ?? null })
      } catch { /* a comment that is not ours */ }
    }
    return out
  } finally { await admin.close() }
}

/** Drains `db` (see the file header) and runs `fn` while it has no sessions. */
async function drained<T>(url: string, db: string, drainMs: number, fn: (admin: import('./db.ts').Db) => Promise<T>): Promise<T> {
  const admin = await openPg(withDb(url, 'postgres'))
  try {
    await admin.exec(`ALTER DATABASE ${q(db)} ALLOW_CONNECTIONS false`)
    try {
      const others = () => admin.query<{ pid: number; application_name: string }>(`select pid, application_name from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()`, [db])
      let left = await others()
      if (left.length) log.info({ db, sessions: left.length, waitMs: drainMs }, 'draining: waiting for sessions on the parent database to close')
      const until = Date.now() + drainMs
      while (left.length && Date.now() < until) { await new Promise((r) => setTimeout(r, 100)); left = await others() }
      for (const s of left) {
        log.warn({ db, pid: s.pid, application: s.application_name }, 'draining: terminating a session still open on the parent database')
        await admin.query('select pg_terminate_backend($1)', [s.pid])
      }
      for (let i = 0; ; i++) {
        try { return await fn(admin) } catch (err) {
          // A terminated backend may take a moment to disappear.
          if (i < 20 && /being accessed by other users/.test((err as Error).message)) { await new Promise((r) => setTimeout(r, 100)); continue }
          throw err
        }
      }
    } finally {
      await admin.exec(`ALTER DATABASE ${q(db)} ALLOW_CONNECTIONS true`).catch(() => {})
    }
  } finally { await admin.close() }
}

// ---- the operations, for either backend ------------------------------------

/** Every branch with its parent, creation time and whether it is current. */
export async function listBranches(t: StoreTarget): Promise<BranchInfo[]> {
  const cur = currentBranch(t.data)
  if (t.databaseUrl) {
    const m = await pgBranches(t.databaseUrl)
    return [...m].map(([name, b]) => ({ name, parent: b.parent, createdAt: b.createdAt, current: name === cur, location: b.db })).sort((a, b) => a.name.localeCompare(b.name))
  }
  const meta = readMeta(t.data)
  const dir = join(t.data, 'branches')
  const names = existsSync(dir) ? readdirSync(dir).filter((d) => statSync(join(dir, d)).isDirectory()).map(decodeURIComponent) : []
  if (!names.includes(MAIN)) names.push(MAIN)
  return names.sort().map((name) => ({ name, parent: meta[name]?.parent ?? null, createdAt: meta[name]?.createdAt ?? null, current: name === cur, location: pgliteBranchDir(t.data, name) }))
}

/** True when the branch exists (main always exists on PGlite: it is created on first open). */
export async function branchExists(t: StoreTarget, name: string): Promise<boolean> {
  return (await listBranches(t)).some((b) => b.name === name)
}

/**
 * Creates branch `name` as a copy of `from` (default: the current branch).
 *
 * @example
 * await createBranch({ data: '.hexd' }, 'experiment', { from: 'main' })
 */
export async function createBranch(t: StoreTarget, name: string, opts: { from?: string; drainMs?: number } = {}): Promise<BranchInfo> {
  checkBranchName(name)
  const from = checkBranchName(opts.from ?? currentBranch(t.data))
  const branches = await listBranches(t)
  if (branches.some((b) => b.name === name)) throw new HexdError('HEXD_BRANCH_EXISTS', `branch ${JSON.stringify(name)} already exists`, { field: 'branch' })
  if (!branches.some((b) => b.name === from)) throw new HexdError('HEXD_BRANCH_NOT_FOUND', `parent branch ${JSON.stringify(from)} does not exist`, { field: 'from' })
  const createdAt = new Date().toISOString()
  if (t.databaseUrl) {
    const url = t.databaseUrl
    const parentDb = pgBranchDb(url, from), childDb = pgBranchDb(url, name)
    await drained(url, parentDb, opts.drainMs ?? 5000, async (admin) => {
      await admin.exec(`CREATE DATABASE ${q(childDb)} TEMPLATE ${q(parentDb)}`)
      const comment = JSON.stringify({ hexdBranch: name, base: baseDb(url), parent: from, createdAt })
      await admin.exec(`COMMENT ON DATABASE ${q(childDb)} IS '${comment.replace(/'/g, "''")}'`)
    })
    log.info({ branch: name, from, db: childDb }, 'created Postgres branch')
    return { name, parent: from, createdAt, current: false, location: childDb }
  }
  const src = pgliteBranchDir(t.data, from), dst = pgliteBranchDir(t.data, name)
  const holder = lockHolder(src)
  if (holder !== undefined) throw new HexdError('HEXD_DB_BUSY', `branch ${from} is open in another hexd process (pid ${holder}); stop it before branching from it`, { field: 'from', details: { pid: holder } })
  mkdirSync(src, { recursive: true })
  cpSync(src, dst, { recursive: true, filter: (p) => !p.endsWith('hexd.pid') })
  const meta = readMeta(t.data)
  meta[name] = { parent: from, createdAt }
  writeMeta(t.data, meta)
  log.info({ branch: name, from, dir: dst }, 'created PGlite branch')
  return { name, parent: from, createdAt, current: false, location: dst }
}

/** Makes `name` the current branch (written to `<data>/HEAD`). */
export async function useBranch(t: StoreTarget, name: string): Promise<void> {
  checkBranchName(name)
  if (!(await branchExists(t, name))) throw new HexdError('HEXD_BRANCH_NOT_FOUND', `branch ${JSON.stringify(name)} does not exist (create it with: hexd db branch create ${name})`, { field: 'branch' })
  mkdirSync(t.data, { recursive: true })
  writeFileSync(join(t.data, 'HEAD'), name + '\n')
}

/** Deletes branch `name` (never main); the current branch falls back to main. */
export async function deleteBranch(t: StoreTarget, name: string, opts: { drainMs?: number } = {}): Promise<void> {
  checkBranchName(name)
  if (name === MAIN) throw new HexdError('HEXD_BAD_BRANCH', 'branch main cannot be deleted', { field: 'branch' })
  if (!(await branchExists(t, name))) throw new HexdError('HEXD_BRANCH_NOT_FOUND', `branch ${JSON.stringify(name)} does not exist`, { field: 'branch' })
  if (t.databaseUrl) {
    const db = pgBranchDb(t.databaseUrl, name)
    await drained(t.databaseUrl, db, opts.drainMs ?? 5000, (admin) => admin.exec(`DROP DATABASE ${q(db)}`))
  } else {
    const dir = pgliteBranchDir(t.data, name)
    const holder = lockHolder(dir)
    if (holder !== undefined) throw new HexdError('HEXD_DB_BUSY', `branch ${name} is open in another hexd process (pid ${holder})`, { field: 'branch', details: { pid: holder } })
    rmSync(dir, { recursive: true, force: true })
    const meta = readMeta(t.data)
    delete meta[name]
    writeMeta(t.data, meta)
  }
  if (currentBranch(t.data) === name) writeFileSync(join(t.data, 'HEAD'), MAIN + '\n')
  log.info({ branch: name }, 'deleted branch')
}
