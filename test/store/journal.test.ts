// The durable journal on each backend: a commit is in the database when it
// resolves, commits land in tick order with their actions in order, a failing
// database makes commits wait (not fail) and all of them land once it is
// back, snapshots are ordered after their tick; and on Postgres a connection
// cut by a proxy is ridden out the same way.
import t from 'tap'
import { copyFileSync } from 'node:fs'
import { join } from 'node:path'
import { eachBackend, freshDb, freshPgDatabase, pgAvailable, PG_URL, tempDir } from './helpers.ts'
import { requireOrSkip } from '../helpers/require.ts'
import { startProxy } from '../helpers/tcp-proxy.ts'
import { Journal, readHead } from '../../src/store/journal.ts'
import { actionsBetween, latestSnapshot } from '../../src/store/recovery.ts'
import { openPg } from '../../src/store/pg.ts'
import { migrate, MIGRATIONS_DIR } from '../../src/store/migrate.ts'
import { openPGlite } from '../../src/store/pglite.ts'
import type { Db } from '../../src/store/db.ts'

const act = (player: string, n: number) => ({ type: 'claim', player, cell: n })

eachBackend(t, 'commit is durable on resolve, ordered, one head per tick', async (t, backend) => {
  const db = await freshDb(t, backend)
  const j = await Journal.open(db)
  t.equal(j.durability, backend === 'pg' ? 'postgres' : 'pglite')
  await j.commit(1, [act('a', 1), act('b', 2)], 'h1')
  t.same(await readHead(db), { tick: 1, hash: 'h1' }, 'the head moved when commit resolved')
  t.same((await actionsBetween(db, 0, 1)).get(1), [act('a', 1), act('b', 2)], 'actions stored in order')
  // Many ticks committed without waiting: all land, in order.
  const ps = []
  for (let tick = 2; tick <= 60; tick++) ps.push(j.commit(tick, tick % 3 ? [act('a', tick), act('b', tick)] : [], `h${tick}`))
  await Promise.all(ps)
  t.same(await readHead(db), { tick: 60, hash: 'h60' })
  const all = await actionsBetween(db, 0, 60)
  let expected = 2
  for (let tick = 2; tick <= 60; tick++) if (tick % 3) expected += 2
  t.equal([...all.values()].flat().length, expected)
  t.same([...all.keys()], [...all.keys()].sort((a, b) => a - b), 'ticks in order')
  const seqOrder = await db.query<{ tick: number }>('SELECT tick FROM events ORDER BY seq')
  t.same(seqOrder.map((r) => r.tick), [...seqOrder.map((r) => r.tick)].sort((a, b) => a - b), 'seq order = tick order')
  await t.rejects(j.commit(60, [], 'again'), /not after/, 'a tick cannot be committed twice')
  await j.snapshot(60, 'h60', new Uint8Array([1, 2, 3]), 1)
  t.same((await latestSnapshot(db))?.tick, 60)
  // A snapshot of an older tick, queued after later commits, never moves the head back.
  const c61 = j.commit(61, [act('a', 61)], 'h61')
  const s58 = j.snapshot(58, 'h58', new Uint8Array([5]), 1)
  await Promise.all([c61, s58])
  t.same(await readHead(db), { tick: 61, hash: 'h61' }, 'the head stays at the last commit')
  await t.rejects(j.snapshot(70, 'h70', new Uint8Array([1]), 1), /before that tick was committed/, 'no snapshot of a tick not yet committed')
  t.equal(j.stats().committedTick, 61)
  await j.close()
  // Reopening continues from the head.
  const j2 = await Journal.open(db)
  t.equal(j2.stats().committedTick, 61)
  await t.rejects(j2.commit(5, [], 'x'), /not after/)
  await j2.close()
})

eachBackend(t, 'one events row per tick (0003); a log written before 0003 reads back alike', async (t, backend) => {
  // A database at 0002 with a journal written the old way: one jsonb row per action.
  const upTo2 = tempDir(t, 'hexd-mig2-')
  for (const f of ['0001_init.sql', '0002_chunks_inline.sql']) copyFileSync(join(MIGRATIONS_DIR, f), join(upTo2, f))
  let db: Db
  if (backend === 'pglite') db = await openPGlite(tempDir(t))
  else {
    const { url, drop } = await freshPgDatabase()
    db = await openPg(url)
    t.teardown(drop)
  }
  t.teardown(() => db.close())
  t.same(await migrate(db, upTo2), ['0001_init', '0002_chunks_inline'])
  await db.query(`INSERT INTO events (tick, type, payload) VALUES (1, 'claim', $1), (1, 'claim', $2)`, [JSON.stringify(act('old1', 1)), JSON.stringify(act('old2', 2))])
  await db.query(`INSERT INTO journal_head (id, tick, hash) VALUES (1, 1, 'h1')`)
  t.same(await migrate(db), ['0003_journal_tick_rows'])

  const j = await Journal.open(db)
  await j.commit(2, [act('a', 3), act('b', 4), act('c', 5)], 'h2')
  await j.commit(3, [], 'h3')
  const rows = await db.query<{ tick: number; type: string; n: number }>("SELECT tick, type, CASE WHEN type = 'tick' THEN json_array_length(payload) ELSE 1 END AS n FROM events ORDER BY seq")
  t.same(rows, [{ tick: 1, type: 'claim', n: 1 }, { tick: 1, type: 'claim', n: 1 }, { tick: 2, type: 'tick', n: 3 }], 'a tick with actions is one row; an empty tick writes none')
  const all = await actionsBetween(db, 0, 3)
  t.same(all.get(1), [act('old1', 1), act('old2', 2)], 'rows from before 0003 read as before')
  t.same(all.get(2), [act('a', 3), act('b', 4), act('c', 5)], 'a tick row reads back as its actions, in order')
  const view = await db.query<{ tick: number; ord: number; type: string }>('SELECT tick, ord::int4 AS ord, type FROM journal_actions ORDER BY seq, ord')
  t.same(view.map((r) => [r.tick, r.ord, r.type]), [[1, 1, 'claim'], [1, 1, 'claim'], [2, 1, 'claim'], [2, 2, 'claim'], [2, 3, 'claim']], 'journal_actions: one row per action')
  t.same(await readHead(db), { tick: 3, hash: 'h3' })
  await j.close()
})

eachBackend(t, 'a snapshot of a tick whose commit is being written is accepted', async (t, backend) => {
  const db = await freshDb(t, backend)
  const j = await Journal.open(db)
  // commit() starts writing at once: tick 1 has left the queue but is not written yet.
  const c1 = j.commit(1, [act('a', 1)], 'h1')
  const s1 = j.snapshot(1, 'h1', new Uint8Array([9]), 1)
  await Promise.all([c1, s1])
  t.same((await latestSnapshot(db))?.tick, 1, 'the snapshot is stored, after its tick')
  t.same(await readHead(db), { tick: 1, hash: 'h1' })
})

eachBackend(t, 'a failing database delays commits; nothing is lost', async (t, backend) => {
  const db = await freshDb(t, backend)
  const j = await Journal.open(db, { retryMs: 10, retryMaxMs: 40 })
  await j.commit(1, [act('a', 1)], 'h1')
  await db.exec('ALTER TABLE events RENAME TO events_away')
  let resolved = 0
  const ps = []
  for (let tick = 2; tick <= 30; tick++) ps.push(j.commit(tick, [act('a', tick)], `h${tick}`).then(() => { resolved++ }))
  await new Promise((r) => setTimeout(r, 200))
  t.equal(resolved, 0, 'no commit resolves while the database fails')
  t.ok(j.stats().failures >= 1)
  t.same(await readHead(db), { tick: 1, hash: 'h1' }, 'the head did not move (a failed write changes nothing)')
  await db.exec('ALTER TABLE events_away RENAME TO events')
  await Promise.all(ps)
  t.equal(resolved, 29)
  t.same(await readHead(db), { tick: 30, hash: 'h30' })
  t.equal([...(await actionsBetween(db, 0, 30)).values()].flat().length, 30, 'every buffered action is stored once')
  t.ok(j.stats().writes < 29, 'buffered ticks were written together')
  // close with a database that stays down rejects what is still queued.
  await db.exec('ALTER TABLE events RENAME TO events_away')
  const late = j.commit(31, [act('z', 1)], 'h31')
  await j.close(100)
  await t.rejects(late, /closed before tick 31/)
  await db.exec('ALTER TABLE events_away RENAME TO events')
  t.same(await readHead(db), { tick: 30, hash: 'h30' })
})

t.test('Postgres connection cut mid-run (proxy): commits wait, reconnect, land', async (t) => {
  if (!(await requireOrSkip(t, 'pg', pgAvailable, PG_URL ? `no Postgres at ${PG_URL}` : 'HEXD_PG_URL is not set'))) return
  const { url, drop } = await freshPgDatabase()
  const u = new URL(url)
  const proxy = await startProxy(Number(u.port || 5432), u.hostname)
  u.port = String(proxy.port)
  const db = await openPg(u.toString())
  t.teardown(async () => { await db.close(); await proxy.close(); await drop() })
  await migrate(db)
  const j = await Journal.open(db, { retryMs: 20, retryMaxMs: 100 })
  await j.commit(1, [act('a', 1)], 'h1')
  proxy.cut()
  const ps = []
  for (let tick = 2; tick <= 20; tick++) ps.push(j.commit(tick, [act('a', tick)], `h${tick}`))
  await new Promise((r) => setTimeout(r, 300))
  t.ok(j.stats().failures >= 1, 'writes fail while the server is unreachable')
  t.equal(j.stats().committedTick, 1)
  proxy.restore()
  await Promise.all(ps)
  t.equal(j.stats().committedTick, 20, 'all buffered ticks committed after reconnecting')
  t.same(await readHead(db), { tick: 20, hash: 'h20' })
  t.equal([...(await actionsBetween(db, 0, 20)).values()].flat().length, 20)
  await j.close()
})
