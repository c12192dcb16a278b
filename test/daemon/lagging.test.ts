// A session nobody reads stays bounded: unsent diffs coalesce (latest value per cell), and past the limit become one snapshot.
import t from 'tap'
import { testDaemon, tickUntil } from '../net/helpers.ts'

t.test('a lagging mailbox does not grow with ticks', async (t) => {
  const d = await testDaemon(t, { manualTicks: true })
  const mk = await (await tickUntil(d, fetch(`${d.url}/mailbox`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"name":"slow"}' }))).json()
  const s = d.hub.sessions.get(mk.id)
  const head0 = s.outbox.head
  for (let i = 0; i < 40; i++) await d.tickOnce()
  await new Promise((r) => setTimeout(r, 20)) // commits (in memory) resolve
  t.ok(s.outbox.head <= head0 + 1, `40 ticks added at most one message (head ${head0} -> ${s.outbox.head})`)
  const got = await (await fetch(`${d.url}/mailbox/${mk.id}/messages?after=${head0}`, { headers: { authorization: `Bearer ${mk.token}` } })).json()
  if (got.messages.length) {
    const m = got.messages[0]
    t.equal(m.seq, head0 + 1)
    t.ok(m.payload.tick - (m.payload.from_tick ?? m.payload.tick) >= 0, `one ${m.event} covering ticks ${m.payload.from_tick ?? '-'}..${m.payload.tick}`)
  }
})

t.test('past the coalescing limit the pending diff is replaced by a snapshot (same seq)', async (t) => {
  const d = await testDaemon(t, { manualTicks: true, coalesceLimit: 20 })
  const mk = await (await tickUntil(d, fetch(`${d.url}/mailbox`, { method: 'POST' }))).json()
  const H = { authorization: `Bearer ${mk.token}` }
  const s = d.hub.sessions.get(mk.id)
  await fetch(`${d.url}/mailbox/${mk.id}/messages?after=0`, { headers: H }) // read everything so far
  const head0 = s.outbox.head
  let changed = 0
  for (let i = 0; i < 40; i++) { await d.tickOnce(); changed += d.game.world.diffs().reduce((n, c) => n + c.cells.length, 0) }
  await new Promise((r) => setTimeout(r, 20))
  t.ok(changed > 20, `the world changed ${changed} cells meanwhile`)
  const got = await (await fetch(`${d.url}/mailbox/${mk.id}/messages?after=${head0}`, { headers: H })).json()
  const events = got.messages.map((m: { event: string }) => m.event)
  t.ok(events.includes('snapshot'), `the lagging diff became a snapshot: ${events.join(', ')}`)
  t.equal(got.messages[0].seq, head0 + 1, 'no seq gap')
  t.ok(got.messages.length <= 2, 'bounded')
})
