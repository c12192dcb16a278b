// Db.writeTransaction on both backends: the writes land together, a failing statement rolls
// every one of them back, and chunk rows go through it as the write-behind flusher writes them
// (COPY on PGlite).
import t from 'tap'
import { eachBackend, freshDb } from './helpers.ts'
import { writeChunksIn, loadChunkRows } from '../../src/store/rows.ts'

eachBackend(t, 'writeTransaction', async (t, backend) => {
  const db = await freshDb(t, backend)
  await db.exec('CREATE TABLE wt (k text PRIMARY KEY, v int NOT NULL)')

  await db.writeTransaction(async (tx) => {
    await tx.query(`INSERT INTO wt VALUES ($1, $2)`, ['a', 1])
    await tx.query(`INSERT INTO wt VALUES ($1, $2)`, ['b', 2])
  })
  t.same(await db.query('SELECT k, v FROM wt ORDER BY k'), [{ k: 'a', v: 1 }, { k: 'b', v: 2 }], 'both writes landed')

  await t.rejects(db.writeTransaction(async (tx) => {
    await tx.query(`UPDATE wt SET v = 100 WHERE k = 'a'`)
    await tx.query(`INSERT INTO wt VALUES ('a', 3)`) // duplicate key
  }), { code: '23505' }, 'a failing statement fails the whole transaction')
  t.same(await db.query(`SELECT v FROM wt WHERE k = 'a'`), [{ v: 1 }], 'and the statements before it were rolled back')

  await t.rejects(db.writeTransaction(async () => { throw new Error('nothing to write after all') }), /nothing to write/, 'an error in fn is passed on')

  // Chunk rows through writeChunksIn (COPY on PGlite, one upsert on Postgres), as the flusher writes them.
  const rows = [1, 2].map((id) => ({ id, tick: 7, format: 1, hash: `h${id}`, data: new Uint8Array([id, 9, 9]) }))
  await db.writeTransaction((tx) => writeChunksIn(db, tx, 16, rows))
  const back = await loadChunkRows(db, [1, 2])
  t.same(back.map((r) => [r.id, r.hash, [...r.data]]), [[1, 'h1', [1, 9, 9]], [2, 'h2', [2, 9, 9]]], 'chunk rows written inside it')
})
