/**
 * The Phoenix client scenario run over each transport (phoenix-websocket and
 * phoenix-longpoll tests): two players join, get their snapshot, push an
 * action and get the reply, and each sees the other's change and presence.
 */
import type { Test } from 'tap'
import { cellToChunk } from '../../src/engine/chunks.ts'
import { Presence, cellsSeen, join, phoenix, push, seqs, testDaemon, until } from './helpers.ts'

export async function twoPlayers(t: Test, transport: 'websocket' | 'longpoll', over: Parameters<typeof testDaemon>[1] = {}): Promise<void> {
  const d = await testDaemon(t, over)
  const size = d.game.info().size
  const A = phoenix(t, d.url, transport)
  const B = phoenix(t, d.url, transport)
  const chA = A.socket.channel('world:main', { name: 'alice' })
  const chB = B.socket.channel('world:main', { name: 'bob' })
  const ra = await join(chA)
  t.match(ra, { session: /^[0-9a-f]{32}$/, token: /^[A-Za-z0-9_-]{43}$/, player: { name: 'alice' } }, 'join reply carries session, token and player')
  const rb = await join(chB)
  t.not(rb.player.id, ra.player.id, 'players get distinct ids')
  t.not(rb.session, ra.session)

  const snapA = await until('A snapshot', () => A.received.find((m) => m.event === 'snapshot'))
  t.equal(snapA.payload.seq, 1, 'the first outbox message is the snapshot, seq 1')
  t.ok(snapA.payload.chunks.some((c: { id: number }) => c.id === cellToChunk(size, ra.player.cell).chunk), "A's snapshot includes A's own chunk")
  t.ok(cellsSeen(A.received).has(ra.player.cell), "A's snapshot has A's cell")

  const sub = await push(chB, 'subscribe', { chunks: [cellToChunk(size, ra.player.cell).chunk] })
  t.equal(sub.status, 'ok', 'B subscribes to the chunk of A')

  const res = await push(chA, 'action', { type: 'claim', cell: ra.player.cell })
  t.equal(res.status, 'ok', `A's claim is accepted: ${JSON.stringify(res.response)}`)
  t.ok(Number.isInteger(res.response.tick), 'the reply names the tick it applied at')

  const seenByB = await until("B sees A's claim", () => {
    const c = cellsSeen(B.received).get(ra.player.cell)
    return c && c.owner === ra.player.index ? c : null
  })
  t.equal(seenByB.owner, ra.player.index, "B receives the diff of A's change")
  const refused = await push(chB, 'action', { type: 'claim', cell: ra.player.cell })
  t.match(refused, { status: 'error', response: { code: 'HEXD_NOT_OWNER', results: [{ ok: false }] } }, "B's claim of A's cell is refused with the reason")
  t.ok(Number.isInteger(refused.response.tick) && refused.response.tick > res.response.tick, `the refusal names the tick it was decided at (${refused.response.tick})`)
  const result = await until('action_result for A', () => A.received.find((m) => m.event === 'action_result'))
  t.match(result, { topic: `player:${ra.player.id}`, payload: { ok: true, tick: res.response.tick } }, 'action_result in the outbox')

  const presence = await until('B sees A online', () => B.received.find((m) =>
    (m.event === 'presence_state' && m.payload[ra.player.id]) || (m.event === 'presence_diff' && m.payload.joins?.[ra.player.id])))
  t.ok(presence, 'presence shows A to B')
  // The phoenix client's own Presence class works on world:main.
  const C = phoenix(t, d.url, transport)
  const chC = C.socket.channel('world:main', { name: 'cy' })
  const pres = new Presence(chC)
  await join(chC)
  const online = await until('Presence.list has A, B and C', () => {
    const ids = pres.list((id: string, p: { metas: Array<{ name: string }> }) => `${id}:${p.metas[0].name}`).sort()
    return ids.length === 3 ? ids : null
  })
  t.same(online, [`${ra.player.id}:alice`, `${rb.player.id}:bob`].concat(online.filter((x: string) => x.endsWith(':cy'))).sort(), 'Presence.list shows everyone online')
  const player = await until("A's player record after its action", () => A.received.find((m) => m.event === 'player'))
  t.match(player, { topic: `player:${ra.player.id}`, payload: { player: { id: ra.player.id, cell: ra.player.cell } } }, 'player event on player:<id>')

  // player topics: own allowed, foreign refused
  t.same(await join(A.socket.channel(`player:${ra.player.id}`)), {}, 'A joins its own player topic')
  const foreign = await join(A.socket.channel(`player:${rb.player.id}`)).then(() => null, (e) => e.response)
  t.match(foreign, { code: 'HEXD_FORBIDDEN' }, "A may not join B's player topic")

  const s = seqs(A.received)
  t.ok(s.length >= 3, 'A received several outbox messages')
  t.same(s, s.map((_, i) => i + 1), 'A saw seq 1, 2, 3, ... with no gap and no duplicate')
}
