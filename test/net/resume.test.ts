// One outbox for every transport: switching WebSocket → mailbox → WebSocket mid-game, and a reconnect, lose and repeat nothing.
import t from 'tap'
import { join, phoenix, push, seqs, testDaemon, until } from './helpers.ts'

const contiguous = (s: number[]) => s.every((v, i) => v === i + 1)

t.test('WebSocket → mailbox → WebSocket with no seq gap', async (t) => {
  const d = await testDaemon(t)
  const A = phoenix(t, d.url, 'websocket')
  const ch = A.socket.channel('world:main', { name: 'ann' })
  const r = await join(ch)
  t.equal((await push(ch, 'action', { type: 'claim', cell: r.player.cell })).status, 'ok')
  await until('action_result over ws', () => A.received.find((m) => m.event === 'action_result'))
  A.socket.disconnect()
  const wsSeqs = seqs(A.received)
  const last = wsSeqs.at(-1)!

  const auth = { authorization: `Bearer ${r.token}`, 'content-type': 'application/json' }
  const post = await fetch(`${d.url}/mailbox/${r.session}/actions?wait=true`, { method: 'POST', headers: auth, body: JSON.stringify({ type: 'claim', cell: r.player.cell }) })
  const posted = await post.json()
  t.equal(post.status, 200)
  t.match(posted.results, [{ ok: false, code: 'HEXD_BAD_ACTION' }], 'claiming an own cell again is rejected with a reason (same player, via mailbox)')
  const got = await (await fetch(`${d.url}/mailbox/${r.session}/messages?after=${last}&wait=5`, { headers: auth })).json()
  t.equal(got.id, r.session)
  t.equal(got.resync, false)
  const mbSeqs: number[] = got.messages.map((m: { seq: number }) => m.seq)
  t.equal(mbSeqs[0], last + 1, 'the mailbox continues right after the last seq the WebSocket delivered')
  t.ok(got.messages.some((m: { event: string; payload: { ok: boolean } }) => m.event === 'action_result' && m.payload.ok === false), 'the mailbox action result is in the same outbox')
  const last2 = mbSeqs.at(-1)!

  const B = phoenix(t, d.url, 'websocket')
  const ch2 = B.socket.channel('world:main', { session: r.session, token: r.token, after: last2 })
  const r2 = await join(ch2)
  t.match(r2, { session: r.session, player: { id: r.player.id }, resync: false }, 'resumed the same session and player')
  t.equal((await push(ch2, 'action', { type: 'move', cell: r.player.cell })).status, 'ok', 'plays on after the switch')
  await until('a message after the switch', () => seqs(B.received).length > 0 && B.received.some((m) => m.event === 'action_result'))
  const all = [...wsSeqs, ...mbSeqs, ...seqs(B.received)]
  t.ok(contiguous(all), `seq over three transports is 1..${all.length} with no gap or duplicate`)
})

t.test('a dropped connection reconnects and resumes after the last seq', async (t) => {
  const d = await testDaemon(t)
  const A = phoenix(t, d.url, 'websocket')
  let creds: Record<string, unknown> = { name: 'bo' }
  const last = () => seqs(A.received).at(-1) ?? 0
  const ch = A.socket.channel('world:main', () => ({ ...creds, after: last() }))
  const r = await join(ch)
  creds = { session: r.session, token: r.token }
  await until('some messages', () => seqs(A.received).length >= 2)
  const joinsBefore = A.received.filter((m) => m.event === 'phx_reply' && m.payload.response?.session).length
  ;(A.socket.conn as { close(): void }).close() // the network drops the connection
  await until('rejoined', () => A.received.filter((m) => m.event === 'phx_reply' && m.payload.response?.session === r.session).length > joinsBefore)
  t.equal((await push(ch, 'action', { type: 'claim', cell: r.player.cell })).status, 'ok', 'actions work after the reconnect')
  await until('result after reconnect', () => A.received.find((m) => m.event === 'action_result'))
  const s = seqs(A.received)
  t.ok(contiguous(s), `seq 1..${s.length} across the reconnect, nothing lost or repeated`)
  t.equal(d.hub.sessions.size, 1, 'still one session')
})
