// The event log's behaviour, the same suite against the embedded backend and NATS JetStream.
import t from 'tap'
import { forEachBackend } from './backends.ts'
import type { Batch } from '../../src/bus/index.ts'

const v = (s: string) => Buffer.from(s)

forEachBackend(t, async (t, make) => {
  t.test('partitions by key, dense offsets, order kept per key, replay from any offset', async (t) => {
    const log = await make()
    await log.createTopic('ev', 3)
    const keys = ['1', '2', '3', '4', '5']
    const put: Array<{ key: string; partition: number; offset: number; i: number }> = []
    for (let i = 0; i < 30; i++) {
      const key = keys[i % keys.length]
      put.push({ key, i, ...(await log.append('ev', key, v(`${key}:${i}`))) })
    }
    for (const k of keys) t.equal(new Set(put.filter((p) => p.key === k).map((p) => p.partition)).size, 1, `key ${k} always in one partition`)
    for (let p = 0; p < 3; p++) {
      const mine = put.filter((x) => x.partition === p)
      t.same(mine.map((x) => x.offset), mine.map((_, j) => j), `partition ${p} offsets are 0..n-1`)
      const all = await log.read('ev', p, 0, 100)
      t.same(all.map((r) => r.value.toString()), mine.map((x) => `${x.key}:${x.i}`), 'read returns them in append order')
      if (mine.length > 2) {
        const tail = await log.read('ev', p, 2, 100)
        t.equal(tail[0].offset, 2, 'replay starts at the requested offset')
      }
    }
    const batch = await log.appendBatch('ev', [{ key: '1', value: v('b1') }, { key: '1', value: v('b2') }])
    t.equal(batch[1].offset, batch[0].offset + 1, 'a batch keeps order in its partition')
    await t.rejects(log.append('no-such', '1', v('x')), { code: 'HEXD_BUS_BAD_TOPIC' })
    t.throws(() => log.partitions('bad topic!'), { code: 'HEXD_BUS_BAD_TOPIC' })
  })

  t.test('consumer groups: each group sees everything once; a restarted member resumes at the commit', async (t) => {
    const log = await make()
    await log.createTopic('ev', 2)
    for (let i = 0; i < 40; i++) await log.append('ev', String(i % 7), v(String(i)))
    const drain = async (group: string, limit = Infinity) => {
      const c = log.consumer(group, 'ev', { batch: 5, pollMs: 100 })
      const seen: string[] = []
      for (;;) {
        const b = await c.poll()
        if (!b) break
        seen.push(...b.records.map((r) => r.value.toString()))
        await c.commit(b.partition, b.next)
        if (seen.length >= limit) break
      }
      await c.close()
      return seen
    }
    const a1 = await drain('A', 10)
    const a2 = await drain('A')
    t.equal(a1.length + a2.length, 40, 'group A: no record twice, none lost, across a restart')
    t.same([...a1, ...a2].sort(), Array.from({ length: 40 }, (_, i) => String(i)).sort())
    t.equal((await drain('B')).length, 40, 'group B has its own offsets')
  })

  t.test('at-least-once: a consumer dying before its commit gets the batch again', async (t) => {
    const log = await make()
    await log.createTopic('ev', 1)
    for (let i = 0; i < 20; i++) await log.append('ev', 'k', v(String(i)))
    const seen: number[] = []
    const c1 = log.consumer('G', 'ev', { batch: 4, pollMs: 100 })
    let handled = 0
    // The handler "crashes" while handling the third batch: run() rejects, nothing commits it.
    await t.rejects(c1.run(async (b: Batch) => {
      if (++handled === 3) throw new Error('crash')
      seen.push(...b.records.map((r) => Number(r.value)))
    }), /crash/)
    await c1.close()
    t.equal(await log.offsets.load('G', 'ev', 0), 8, 'committed up to the last handled batch')
    const c2 = log.consumer('G', 'ev', { batch: 4, pollMs: 100 })
    const b = await c2.poll()
    t.equal(b!.records[0].offset, 8, 'resumes at the committed offset')
    seen.push(...b!.records.map((r) => Number(r.value)))
    await c2.commit(b!.partition, b!.next)
    for (let x = await c2.poll(); x; x = await c2.poll()) { seen.push(...x.records.map((r) => Number(r.value))); await c2.commit(x.partition, x.next) }
    await c2.close()
    t.same([...new Set(seen)].sort((a, b) => a - b), Array.from({ length: 20 }, (_, i) => i), 'every record seen at least once')
  })

  t.test("start 'latest' skips history; new records arrive while polling", async (t) => {
    const log = await make()
    await log.createTopic('ev', 1)
    await log.append('ev', 'k', v('old'))
    const c = log.consumer('L', 'ev', { start: 'latest', pollMs: 1500 })
    await c.open()
    const later = new Promise((r) => setTimeout(r, 50)).then(() => log.append('ev', 'k', v('new')))
    const b = await c.poll()
    await later
    t.same(b?.records.map((r) => r.value.toString()), ['new'])
    await c.close()
  })

  t.test('retention keeps what a group has not committed and what a pin needs', async (t) => {
    const log = await make({ maxRecords: 5 })
    await log.createTopic('ev', 1)
    for (let i = 0; i < 20; i++) await log.append('ev', 'k', v(String(i)))
    await log.offsets.commit('slow', 'ev', 0, 3)
    log.pin('snapshot', 'ev', 0, 8)
    t.same((await log.enforceRetention()).dropped, 3, 'only below the slowest group')
    t.same(await log.bounds('ev', 0), { start: 3, end: 20 })
    await log.offsets.commit('slow', 'ev', 0, 12)
    await log.enforceRetention()
    t.equal((await log.bounds('ev', 0)).start, 8, 'the snapshot pin holds offset 8')
    log.unpin('snapshot')
    await log.enforceRetention()
    t.equal((await log.bounds('ev', 0)).start, 12, 'then the group commit is the floor')
    await log.offsets.commit('slow', 'ev', 0, 20)
    await log.enforceRetention()
    t.equal((await log.bounds('ev', 0)).start, 15, 'then maxRecords (5) decides')
    await t.rejects(log.read('ev', 0, 2, 10), { code: 'HEXD_BUS_OFFSET_GONE' })
    t.same((await log.read('ev', 0, 15, 10)).map((r) => r.value.toString()), ['15', '16', '17', '18', '19'])
    await log.append('ev', 'k', v('20'))
    t.equal((await log.read('ev', 0, 20, 1))[0].offset, 20, 'offsets continue after truncation')
  })
})
