// The outbox's sent log: bytes off the JS heap, read back exactly (non-ASCII too) after drops,
// index wrap-around, compaction and growth.
import t from 'tap'
import { SentLog } from '../../src/net/sent-log.ts'

const msg = (seq: number) => ({ topic: seq % 2 ? 'world:main' : 'player:ab12', event: seq % 3 ? 'diff' : 'action_result', json: `{"seq":${seq},"name":"ünï ${'x'.repeat(seq % 50)} 名前 🙂"}` })

t.test('a long run of appends and drops reads back what was written', async (t) => {
  const log = new SentLog()
  const kept: number[] = []
  let next = 1
  for (let round = 0; round < 400; round++) {
    const adds = 1 + (round % 7)
    for (let i = 0; i < adds; i++) { const m = msg(next); log.append(next, m.topic, m.event, m.json); kept.push(next++) }
    const drops = round % 5
    for (let i = 0; i < drops && kept.length > 1; i++) t.equal(log.dropOldest(), kept.shift(), 'drops the oldest')
    if (round % 37 === 0) {
      const after = kept[Math.floor(kept.length / 2)] - 1
      const got = log.read(after, 1000)
      t.same(got.map((m) => m.seq), kept.filter((s) => s > after), `round ${round}: seqs after ${after}`)
      t.same(got, got.map((m) => ({ seq: m.seq, ...msg(m.seq) })), 'topic, event and json intact')
    }
  }
  t.equal(log.size, kept.length)
  t.equal(log.oldest, kept[0])
  t.same(log.read(kept.at(-1)!, 10), [], 'nothing after the newest')
  t.same(log.read(0, 3).map((m) => m.seq), kept.slice(0, 3), 'limit')
  t.equal(log.bytes, kept.reduce((n, s) => { const m = msg(s); return n + Buffer.byteLength(`${m.topic}\n${m.event}\n${m.json}`) }, 0), 'bytes counts UTF-8')
  while (log.size) log.dropOldest()
  t.equal(log.bytes, 0)
  t.equal(log.oldest, undefined)
  log.append(next, 'a', 'b', '{}')
  t.same(log.read(0, 10), [{ seq: next, topic: 'a', event: 'b', json: '{}' }], 'usable again once emptied')
})
