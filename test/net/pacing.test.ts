// Delivery pacing (set by the daemon when ticks run late): diffs to a live WebSocket coalesce, replies are not delayed, seq stays gap-free.
import t from 'tap'
import { join, phoenix, push, seqs, testDaemon, tickUntil, until } from './helpers.ts'

t.test('paced connection: coalesced diffs, immediate replies, no seq gap', async (t) => {
  const d = await testDaemon(t, { manualTicks: true })
  const A = phoenix(t, d.url, 'websocket')
  const ch = A.socket.channel('world:main', { name: 'pia' })
  const r = await tickUntil(d, join(ch))
  await until('snapshot', () => A.received.find((m) => m.event === 'snapshot'))
  d.hub.pacingMs = 60_000
  await d.tickOnce() // this delivery starts the pacing window
  await new Promise((res) => setTimeout(res, 50))
  const before = A.received.filter((m) => m.event === 'diff').length
  for (let i = 0; i < 10; i++) await d.tickOnce()
  await new Promise((res) => setTimeout(res, 100))
  t.equal(A.received.filter((m) => m.event === 'diff').length, before, 'no diff frames while paced')
  const reply = tickUntil(d, push(ch, 'action', { type: 'claim', cell: r.player.cell }))
  t.equal((await reply).status, 'ok', 'the reply is not held back by pacing')
  d.hub.pacingMs = 0
  await d.tickOnce()
  const diff = await until('coalesced diff', () => A.received.find((m) => m.event === 'diff' && m.payload.tick - m.payload.from_tick >= 5))
  t.ok(diff, `one diff covers ticks ${diff.payload.from_tick}..${diff.payload.tick}`)
  const s = seqs(A.received)
  t.same(s, s.map((_, i) => i + 1), 'seq 1..n, no gap')
})
