/**
 * Runs a store test on every backend: PGlite (always, in a temp directory) and
 * Postgres when HEXD_PG_URL is set (a fresh database per call, dropped after),
 * skipping — or failing when HEXD_REQUIRE lists pg — when it is not.
 */
import { cpSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { randomBytes } from 'node:crypto'
import type { Test } from 'tap'
import { requireOrSkip } from '../helpers/require.ts'
import { openPGlite } from '../../src/store/pglite.ts'
import { openPg } from '../../src/store/pg.ts'
import { withDb, pgliteBranchDir, listBranches, deleteBranch, type StoreTarget } from '../../src/store/branches.ts'
import { migrate } from '../../src/store/migrate.ts'
import type { Db } from '../../src/store/db.ts'

export const PG_URL = process.env.HEXD_PG_URL

/** A fresh empty Postgres database on the HEXD_PG_URL server; returns its URL and a dropper. */
export async function freshPgDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `hexd_t_${process.pid}_${randomBytes(4).toString('hex')}`
  const admin = await openPg(withDb(PG_URL!, 'postgres'))
  await admin.exec(`CREATE DATABASE ${name}`)
  await admin.close()
  return {
    url: withDb(PG_URL!, name),
    drop: async () => {
      const a = await openPg(withDb(PG_URL!, 'postgres'))
      try { await a.exec(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) } finally { await a.close() }
    },
  }
}

/** True when HEXD_PG_URL is set and answers. */
export async function pgAvailable(): Promise<boolean> {
  if (!PG_URL) return false
  try { const d = await openPg(PG_URL); await d.close(); return true } catch { return false }
}

export type Backend = 'pglite' | 'pg'

let template: Promise<string> | undefined
/**
 * A migrated PGlite data directory made once per test process: copying it is
 * much faster than PGlite's initdb for every test.
 */
export function pgliteTemplate(): Promise<string> {
  template ??= (async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hexd-store-tpl-'))
    const db = await openPGlite(dir)
    await migrate(db)
    await db.close()
    process.on('exit', () => rmSync(dir, { recursive: true, force: true }))
    return dir
  })()
  return template
}

/** A fresh migrated database of `backend`, closed and removed at the end of `t`. */
export async function freshDb(t: Test, backend: Backend): Promise<Db> {
  if (backend === 'pglite') {
    const dir = mkdtempSync(join(tmpdir(), 'hexd-store-'))
    cpSync(await pgliteTemplate(), dir, { recursive: true })
    const db = await openPGlite(dir)
    t.teardown(async () => { await db.close(); rmSync(dir, { recursive: true, force: true }) })
    await migrate(db)
    return db
  }
  const { url, drop } = await freshPgDatabase()
  const db = await openPg(url)
  t.teardown(async () => { await db.close(); await drop() })
  await migrate(db)
  return db
}

/**
 * Runs `body` as a subtest per backend.
 *
 * @example
 * await eachBackend(t, 'upsert', async (t, backend) => { const db = await freshDb(t, backend) … })
 */
export async function eachBackend(t: Test, name: string, body: (t: Test, backend: Backend) => Promise<void>): Promise<void> {
  await t.test(`${name} [pglite]`, (tt) => body(tt, 'pglite'))
  await t.test(`${name} [pg]`, async (tt) => {
    const reason = PG_URL ? `no Postgres answering at ${PG_URL}` : 'HEXD_PG_URL is not set'
    if (!(await requireOrSkip(tt, 'pg', pgAvailable, reason))) return
    await body(tt, 'pg')
  })
}

/** A temp directory removed at the end of `t`. */
export function tempDir(t: Test, prefix = 'hexd-store-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  return dir
}

/**
 * A fresh store target for openStore/Persistence/branches: a temp data dir
 * whose PGlite main branch starts from the migrated template, or (pg) a fresh
 * database whose branches are deleted and which is dropped at the end.
 */
export async function freshTarget(t: Test, backend: Backend): Promise<StoreTarget> {
  const data = tempDir(t)
  if (backend === 'pglite') {
    cpSync(await pgliteTemplate(), pgliteBranchDir(data, 'main'), { recursive: true })
    return { data }
  }
  const { url, drop } = await freshPgDatabase()
  t.teardown(async () => {
    for (const b of await listBranches({ data, databaseUrl: url })) if (b.name !== 'main') await deleteBranch({ data, databaseUrl: url }, b.name)
    await drop()
  })
  return { data, databaseUrl: url }
}
