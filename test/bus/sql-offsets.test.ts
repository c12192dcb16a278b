// Consumer offsets in the store's database (PGlite, and Postgres when HEXD_PG_URL is set): persisted across
// reopening, never moving backwards, committed atomically with the caller's own writes or not at all.
import t from 'tap'
import { eachBackend, freshDb } from '../store/helpers.ts'
import { SqlOffsetStore, EventLog, EmbeddedBackend } from '../../src/bus/index.ts'

await eachBackend(t, 'sql offsets', async (t, backend) => {
  const db = await freshDb(t, backend)
  const o = new SqlOffsetStore(db)
  t.equal(await o.load('g', 'ev', 0), undefined)
  await o.commit('g', 'ev', 0, 10)
  await o.commit('g', 'ev', 1, 4)
  await o.commit('g', 'ev', 0, 7)
  t.equal(await o.load('g', 'ev', 0), 10, 'an older commit does not move the offset back')
  t.same((await o.list('ev')).sort((a, b) => a.partition - b.partition), [{ group: 'g', partition: 0, next: 10 }, { group: 'g', partition: 1, next: 4 }])
  t.same(await o.list('e'), [], 'list matches the topic exactly, not a prefix of its name')

  // The writer's state and its offset in one transaction: a failure keeps neither.
  await db.exec('CREATE TABLE writer_state (k text PRIMARY KEY, v bigint)')
  await t.rejects(db.transaction(async (tx) => {
    await tx.query('INSERT INTO writer_state VALUES ($1, $2)', ['x', 1])
    await o.commitIn(tx, 'writer', 'ev', 0, 20)
    throw new Error('crash before COMMIT')
  }), /crash/)
  t.equal(await o.load('writer', 'ev', 0), undefined, 'rolled back: no offset')
  t.same(await db.query('SELECT * FROM writer_state'), [], 'rolled back: no state')
  await db.transaction(async (tx) => {
    await tx.query('INSERT INTO writer_state VALUES ($1, $2)', ['x', 1])
    await o.commitIn(tx, 'writer', 'ev', 0, 20)
  })
  t.equal(await o.load('writer', 'ev', 0), 20)

  // A consumer group on the log resumes from the SQL offsets, and retention respects them.
  const log = new EventLog(new EmbeddedBackend(), { offsets: o, retention: { maxRecords: 1 } })
  await log.createTopic('ev', 2)
  for (let i = 0; i < 30; i++) await log.append('ev', String(i), Buffer.from(String(i)))
  await log.enforceRetention()
  const floor = await log.bounds('ev', 0)
  t.ok(floor.start <= 10, 'retention keeps what group g has not committed on partition 0')
  const c = log.consumer('g', 'ev', { partitions: [1], pollMs: 50 })
  const b = await c.poll()
  t.equal(b?.records[0].offset, 4, 'resumes at the offset stored in SQL')
  await c.close()
})
