// The durable embedded log (src/bus/file.ts): records and offsets survive a reopen, a torn tail
// is cut off, retention deletes whole segments and offsets never go back.
import t from 'tap'
import { appendFileSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { EventLog, FileBackend, MemoryOffsetStore } from '../../src/bus/index.ts'

const dir = mkdtempSync(join(tmpdir(), 'hexd-file-'))
t.teardown(() => rmSync(dir, { recursive: true, force: true }))

async function openLog(d: string, segmentBytes = 1 << 20): Promise<EventLog> {
  const log = new EventLog(await FileBackend.open(d, { segmentBytes }), { offsets: new MemoryOffsetStore() })
  await log.createTopic('chunks', 4)
  await log.createTopic('ticks', 1)
  return log
}
const vals = (rs: Array<{ value: Buffer }>) => rs.map((r) => r.value.toString())

t.test('records, keys, partitions and offsets survive a reopen; new offsets continue', async (t) => {
  const d = join(dir, 'reopen')
  let log = await openLog(d)
  const items = Array.from({ length: 40 }, (_, i) => ({ key: String(i % 7), value: Buffer.from(`v${i}`) }))
  const placed = await log.appendBatch('chunks', items)
  await log.append('ticks', 'tick', Buffer.from('t1'))
  const before = await Promise.all([0, 1, 2, 3].map((p) => log.read('chunks', p, 0, 100)))
  await log.close()
  log = await openLog(d)
  const after = await Promise.all([0, 1, 2, 3].map((p) => log.read('chunks', p, 0, 100)))
  t.same(after.map(vals), before.map(vals), 'same records per partition')
  t.same(after.flat().map((r) => r.key).sort(), before.flat().map((r) => r.key).sort(), 'same keys')
  t.same(vals(await log.read('ticks', 0, 0, 10)), ['t1'])
  const p = placed[0].partition
  const end = (await log.bounds('chunks', p)).end
  const again = await log.append('chunks', items[0].key, Buffer.from('new'))
  t.equal(again.offset, end, 'the next offset follows the stored ones')
  await log.close()
})

t.test('a torn tail is cut off and the log stays appendable', async (t) => {
  const d = join(dir, 'torn')
  let log = await openLog(d)
  for (let i = 0; i < 5; i++) await log.append('ticks', 'tick', Buffer.from(`t${i}`))
  await log.close()
  const seg = readdirSync(d).filter((f) => f.startsWith('wal-')).sort().at(-1)!
  const size = statSync(join(d, seg)).size
  appendFileSync(join(d, seg), Buffer.from([0, 0, 0, 40, 1, 2, 3])) // half a frame, as a crash mid-write leaves
  log = await openLog(d)
  t.same(vals(await log.read('ticks', 0, 0, 10)), ['t0', 't1', 't2', 't3', 't4'])
  t.equal(statSync(join(d, seg)).size, size, 'the tail was truncated')
  t.equal((await log.append('ticks', 'tick', Buffer.from('t5'))).offset, 5)
  await log.close()
  log = await openLog(d)
  t.same(vals(await log.read('ticks', 0, 3, 10)), ['t3', 't4', 't5'])
  await log.close()
})

t.test('a damaged frame in the middle ends the log there', async (t) => {
  const d = join(dir, 'damaged')
  let log = await openLog(d)
  for (let i = 0; i < 3; i++) await log.append('ticks', 'tick', Buffer.from(`t${i}`))
  await log.close()
  const seg = join(d, readdirSync(d).filter((f) => f.startsWith('wal-')).sort()[0])
  const { readFileSync } = await import('node:fs')
  const b = readFileSync(seg)
  b[b.length - 2] ^= 0xff // flip a byte in the last record's value: its checksum no longer matches
  writeFileSync(seg, b)
  log = await openLog(d)
  t.same(vals(await log.read('ticks', 0, 0, 10)), ['t0', 't1'], 'records before the damage are kept')
  await log.close()
})

t.test('retention deletes whole segments below every floor; offsets never go back after a reopen', async (t) => {
  const d = join(dir, 'retention')
  let log = await openLog(d, 512)
  for (let i = 0; i < 60; i++) await log.append('ticks', 'tick', Buffer.from(`record-${i}`.padEnd(40, '.')))
  const segsBefore = readdirSync(d).filter((f) => f.startsWith('wal-')).length
  t.ok(segsBefore > 3, `several segments (${segsBefore})`)
  await log.offsets.commit('g', 'ticks', 0, 50)
  log.setRetention({ maxRecords: 0 })
  await log.enforceRetention()
  t.same(await log.bounds('ticks', 0), { start: 50, end: 60 }, 'dropped only below the group offset')
  const segsAfter = readdirSync(d).filter((f) => f.startsWith('wal-')).length
  t.ok(segsAfter < segsBefore, `segments deleted (${segsBefore} -> ${segsAfter})`)
  await log.offsets.commit('g', 'ticks', 0, 60)
  await log.enforceRetention()
  t.same(await log.bounds('ticks', 0), { start: 60, end: 60 }, 'everything committed is dropped')
  await log.close()
  log = await openLog(d, 512)
  const b = await log.bounds('ticks', 0)
  t.equal(b.end, 60, 'the end survives though no record is left')
  t.ok(b.start >= 50 && b.start <= 60, `start ${b.start} stays within the retained range`)
  await t.rejects(log.read('ticks', 0, 10, 5), { code: 'HEXD_BUS_OFFSET_GONE' })
  t.equal((await log.append('ticks', 'tick', Buffer.from('x'))).offset, 60)
  await log.close()
})

t.test('one group commit (one fsync) for the appends of one turn', async (t) => {
  const be = await FileBackend.open(join(dir, 'group'))
  const log = new EventLog(be, { offsets: new MemoryOffsetStore() })
  await log.createTopic('chunks', 4)
  await log.createTopic('ticks', 1)
  const before = be.stats.groupCommits
  await Promise.all([
    log.appendBatch('chunks', Array.from({ length: 20 }, (_, i) => ({ key: String(i), value: Buffer.from('c') }))),
    log.append('ticks', 'tick', Buffer.from('t')),
  ])
  t.equal(be.stats.groupCommits - before, 1)
  await log.close()
})

t.test('one process per log directory: a live holder is refused, a dead one taken over', async (t) => {
  const d = join(dir, 'lock')
  const be = await FileBackend.open(d)
  await be.close()
  writeFileSync(join(d, 'hexd.pid'), String(process.ppid)) // a live process that is not us
  await t.rejects(FileBackend.open(d), { code: 'HEXD_DB_BUSY' })
  writeFileSync(join(d, 'hexd.pid'), '2147483646') // no such process
  const again = await FileBackend.open(d)
  await again.close()
})
