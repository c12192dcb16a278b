// PGlite on its own thread: Postgres errors keep their fields, a transaction keeps other
// statements out (one session), a failed transaction rolls back, and a closed database refuses work.
import t from 'tap'
import { openPGlite } from '../../src/store/pglite.ts'
import { tempDir } from './helpers.ts'

t.test('errors, transactions and close on the PGlite thread', async (t) => {
  const db = await openPGlite(tempDir(t))
  await db.exec('CREATE TABLE kv (k text PRIMARY KEY, v int NOT NULL)')

  await t.rejects(db.query('SELEC 1'), { code: '42601', message: /syntax error/ }, 'a Postgres error keeps its SQLSTATE')
  await db.query(`INSERT INTO kv VALUES ('a', 1)`)
  await t.rejects(db.query(`INSERT INTO kv VALUES ('a', 2)`), { code: '23505', constraint: 'kv_pkey' }, 'and its other fields')

  // A statement sent while a transaction is open waits for its end instead of running inside it.
  let release!: () => void
  const gate = new Promise<void>((r) => { release = r })
  const tx = db.transaction(async (sql) => {
    await sql.query(`UPDATE kv SET v = 10 WHERE k = 'a'`)
    await gate
    await sql.query(`INSERT INTO kv VALUES ('b', 20)`)
    return 'done'
  })
  await new Promise((r) => setTimeout(r, 20))
  const outside = db.query<{ n: number }>('SELECT count(*)::int AS n FROM kv')
  let outsideDone = false
  void outside.then(() => { outsideDone = true })
  await new Promise((r) => setTimeout(r, 50))
  t.notOk(outsideDone, 'a query from outside waits while the transaction is open')
  release()
  t.equal(await tx, 'done')
  t.same(await outside, [{ n: 2 }], 'and then sees the committed rows')

  await t.rejects(db.transaction(async (sql) => {
    await sql.query(`UPDATE kv SET v = 99 WHERE k = 'a'`)
    throw new Error('changed my mind')
  }), /changed my mind/)
  t.same(await db.query(`SELECT v FROM kv WHERE k = 'a'`), [{ v: 10 }], 'a throwing transaction rolled back')

  const other = await openPGlite(tempDir(t))
  await t.rejects(db.copyFrom!(await other.transaction(async (sql) => sql), 'COPY kv FROM STDIN', new Uint8Array()), /transaction opened by this Db/, 'copyFrom needs its own transaction')
  await other.close()

  await db.close()
  await t.rejects(db.query('SELECT 1'), /closed/, 'a closed database refuses work')
})

// queryWaiting: the daemon's journal commit blocks up to waitMs for its answer, so the promise
// settles before the event loop runs anything else (a setImmediate queued first runs after it);
// past waitMs, or with earlier calls still unanswered, answers arrive in order as usual.
t.test('queryWaiting settles before the event loop turns, and falls back after waitMs', async (t) => {
  const db = await openPGlite(tempDir(t))
  await db.exec('CREATE TABLE log (n int)')
  const order: string[] = []
  setImmediate(() => order.push('immediate'))
  await db.queryWaiting!('INSERT INTO log VALUES (1)', [], 2000)
  order.push('answer')
  await new Promise((r) => setImmediate(r))
  t.same(order, ['answer', 'immediate'], 'the answer was taken before the loop ran the immediate')

  // An earlier call's answer is handed out first, in order.
  const earlier = db.query<{ n: number }>('SELECT count(*)::int AS n FROM log')
  const waited = db.queryWaiting!<{ n: number }>('SELECT 2 AS n', [], 2000)
  t.same(await earlier, [{ n: 1 }], 'the earlier query gets its own rows')
  t.same(await waited, [{ n: 2 }], 'and the waiting one its own')

  // A statement slower than waitMs: the wait gives up and the answer comes through the loop.
  const t0 = performance.now()
  const slow = db.queryWaiting!<{ x: number }>('SELECT 3 AS x FROM pg_sleep(0.2)', [], 5)
  t.ok(performance.now() - t0 < 150, 'the thread was blocked only about waitMs')
  t.same(await slow, [{ x: 3 }], 'and the answer still arrives')
  await t.rejects(db.queryWaiting!('SELEC 1', [], 2000), { code: '42601' }, 'an error is delivered the same way')
  await db.close()
})
