// The migration runner (kysely Migrator over migrations/*.sql) on each
// backend: applies the numbered files once, in order, reports status, and a
// failing migration is reported by name and leaves nothing half-applied.
import t, { type Test } from 'tap'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { eachBackend, tempDir, freshPgDatabase } from './helpers.ts'
import { openPGlite } from '../../src/store/pglite.ts'
import { openPg } from '../../src/store/pg.ts'
import { migrate, migrationStatus } from '../../src/store/migrate.ts'
import type { Db } from '../../src/store/db.ts'

async function emptyDb(t: Test, backend: 'pglite' | 'pg'): Promise<Db> {
  if (backend === 'pglite') {
    const dir = tempDir(t)
    const db = await openPGlite(dir)
    t.teardown(() => db.close())
    return db
  }
  const { url, drop } = await freshPgDatabase()
  const db = await openPg(url)
  t.teardown(async () => { await db.close(); await drop() })
  return db
}

eachBackend(t, 'applies migrations once, in order, and reports them', async (t, backend) => {
  const db = await emptyDb(t, backend)
  const dir = tempDir(t, 'hexd-mig-')
  writeFileSync(join(dir, '0001_a.sql'), 'CREATE TABLE a (x int);\nINSERT INTO a VALUES (1);')
  writeFileSync(join(dir, '0002_b.sql'), 'CREATE TABLE b (y int);\nINSERT INTO b SELECT x + 1 FROM a;')
  t.same((await migrationStatus(db, dir)).map((m) => [m.name, m.applied]), [['0001_a', false], ['0002_b', false]])
  t.same(await migrate(db, dir), ['0001_a', '0002_b'])
  t.same(await migrate(db, dir), [], 'nothing to do the second time')
  t.same(await db.query('SELECT y FROM b'), [{ y: 2 }], 'applied in name order')
  const st = await migrationStatus(db, dir)
  t.ok(st.every((m) => m.applied && typeof m.executedAt === 'string'))
  // A failing migration: named in the error, rolled back, the earlier ones stay.
  writeFileSync(join(dir, '0003_bad.sql'), 'CREATE TABLE c (z int);\nINSERT INTO nowhere VALUES (1);')
  await t.rejects(migrate(db, dir), { code: 'HEXD_DB_MIGRATION', message: /0003_bad/ })
  t.same((await db.query(`SELECT count(*)::int8 AS n FROM information_schema.tables WHERE table_name = 'c'`))[0], { n: 0 }, 'the failed migration left nothing behind')
  t.same((await migrationStatus(db, dir)).map((m) => m.applied), [true, true, false])
  writeFileSync(join(dir, 'oops.sql'), 'SELECT 1;')
  await t.rejects(migrate(db, dir), { code: 'HEXD_DB_MIGRATION', message: /oops\.sql is not named NNNN_name\.sql/ })
})

eachBackend(t, "the repository's migrations create the schema", async (t, backend) => {
  const db = await emptyDb(t, backend)
  t.same(await migrate(db), ['0001_init', '0002_chunks_inline', '0003_journal_tick_rows'])
  const tables = (await db.query<{ table_name: string }>(`SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name`)).map((r) => r.table_name)
  for (const name of ['chunks', 'consumer_offsets', 'events', 'journal_head', 'players', 'prototypes', 'recipes', 'snapshots', 'world_meta']) t.ok(tables.includes(name), `table ${name}`)
})
