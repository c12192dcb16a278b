// The outbox: gap-free seq, replay after a seq, acks, coalescing of unsent diffs, snapshot replacement, resync past retention.
import t from 'tap'
import { Outbox, shareChunk } from '../../src/net/outbox.ts'
import type { WorldSnapshot } from '../../src/net/types.ts'

const snapshots: number[][] = []
function mk(opts: { retain?: number; coalesceLimit?: number } = {}) {
  return new Outbox({
    snapshot: (ids): WorldSnapshot => { snapshots.push(ids); return { tick: 99, hash: 'h', chunks: ids.map((id) => ({ id, cells: [{ id: id * 100, v: 'snap' }] })) } },
    watched: () => [1, 2],
    ...opts,
  })
}
const diff = (chunk: number, cells: Array<[number, number]>) => shareChunk({ id: chunk, cells: cells.map(([id, v]) => ({ id, v })) })

t.test('seq increases by one and read returns messages after a seq', async (t) => {
  const ob = mk()
  ob.push('player:1', 'action_result', { ok: true })
  ob.pushDiff(5, 5, [diff(1, [[10, 1]])])
  ob.push('world:main', 'presence_diff', { joins: {}, leaves: {} })
  const all = ob.read(0, 100, false).messages
  t.same(all.map((m) => m.seq), [1, 2, 3])
  t.same(JSON.parse(all[1].json), { seq: 2, tick: 5, from_tick: 5, chunks: [{ id: 1, cells: [{ id: 10, v: 1 }] }] })
  t.same(ob.read(1, 100, false).messages.map((m) => m.seq), [2, 3], 'replay after 1')
  t.same(ob.read(1, 1, false).messages.map((m) => m.seq), [2], 'limit')
  ob.read(2, 100, true)
  t.equal(ob.pending, 1, 'ack dropped 1 and 2')
  t.same(ob.read(2, 100, false).messages.map((m) => m.seq), [3], 'reading after the ack point gives the rest')
  const again = ob.read(0, 100, false)
  t.equal(again.resync, true, 'asking for acked (dropped) messages is a resync')
  t.same(again.messages.map((m) => [m.seq, m.event]), [[3, 'presence_diff'], [4, 'snapshot']], 'with a fresh snapshot appended')
})

t.test('unsent diffs coalesce (latest value per cell); sent ones never change', async (t) => {
  const ob = mk()
  ob.pushDiff(1, 1, [diff(1, [[10, 1], [11, 1]])])
  ob.pushDiff(2, 2, [diff(1, [[10, 2]]), diff(2, [[20, 2]])])
  ob.pushDiff(3, 3, [diff(1, [[11, 3]])])
  t.equal(ob.head, 1, 'three ticks of diffs, one message')
  const [m] = ob.read(0, 10, false).messages
  t.same(JSON.parse(m.json), { seq: 1, tick: 3, from_tick: 1, chunks: [{ id: 1, cells: [{ id: 10, v: 2 }, { id: 11, v: 3 }] }, { id: 2, cells: [{ id: 20, v: 2 }] }] })
  ob.pushDiff(4, 4, [diff(1, [[10, 4]])])
  t.equal(ob.head, 2, 'after sending, a new diff gets a new seq')
  t.equal(JSON.parse(ob.read(0, 10, false).messages[0].json).tick, 3, 'the sent message did not change')
})

t.test('a lagging reader is bounded: past the limit the diff becomes a snapshot with the same seq', async (t) => {
  const ob = mk({ coalesceLimit: 5 })
  for (let tick = 1; tick <= 50; tick++) ob.pushDiff(tick, tick, [diff(1, [[tick, tick]])])
  t.equal(ob.head, 1, 'still one message')
  t.equal(ob.pending, 1)
  const [m] = ob.read(0, 10, false).messages
  t.equal(m.event, 'snapshot')
  const body = JSON.parse(m.json)
  t.equal(body.seq, 1)
  t.ok(body.chunks.length === 2, 'snapshot of the watched chunks')
  t.ok(body.chunks[0].cells.some((c: { id: number }) => c.id === 50), 'later diffs merged into the unsent snapshot')
})

t.test('resuming from a seq older than what is retained appends a snapshot and says resync', async (t) => {
  const ob = mk({ retain: 3 })
  for (let i = 0; i < 6; i++) { ob.push('player:1', 'x', { i }); ob.read(ob.head - 1, 10, false) }
  const r = ob.read(0, 100, false)
  t.equal(r.resync, true)
  t.equal(r.messages.at(-1)!.event, 'snapshot')
  const seqs = r.messages.map((m) => m.seq)
  t.same(seqs, seqs.slice().sort((a, b) => a - b), 'ordered')
  for (let i = 1; i < seqs.length; i++) t.equal(seqs[i], seqs[i - 1] + 1, 'no gaps in what is returned')
  t.equal(ob.read(ob.head, 10, false).resync, false, 'an up-to-date reader is not resynced')
})

t.test('listeners hear every append', async (t) => {
  const ob = mk()
  let n = 0
  const off = ob.onAppend(() => n++)
  ob.push('a', 'b', {})
  ob.pushDiff(1, 1, [diff(1, [[1, 1]])])
  off()
  ob.push('a', 'b', {})
  t.equal(n, 2)
})

t.test('retention is bounded by bytes as well as by count', async (t) => {
  const ob = mk({ retain: 1000 })
  const big = 'x'.repeat(10_000)
  for (let i = 0; i < 40; i++) { ob.push('a', 'b', { big }); ob.read(ob.head - 1, 10, false) }
  t.ok(ob.pending * 10_000 <= 131_072 + 10_100, `at most ~128 KiB of sent messages kept (${ob.pending} held)`)
  t.equal(ob.read(0, 100, false).resync, true, 'older ones are gone: a resume from 0 is a resync')
})
