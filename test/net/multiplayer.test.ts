// Two players racing one cell (first valid wins, the loser gets a reason), ownership violations, foreign mailbox access.
import t from 'tap'
import { neighbors } from '../../src/engine/geometry.ts'
import { testDaemon } from './helpers.ts'

type Box = { id: string; token: string; player: { id: string; index: number; cell: number } }

function path(n: number, from: number, to: number): number[] {
  const prev = new Map<number, number>([[from, from]])
  const q = [from]
  while (q.length) {
    const c = q.shift()!
    if (c === to) break
    for (const nb of neighbors(n, c)) if (!prev.has(nb)) { prev.set(nb, c); q.push(nb) }
  }
  const out = [to]
  while (out[0] !== from) out.unshift(prev.get(out[0])!)
  return out
}

t.test('race, ownership, foreign mailbox', async (t) => {
  const d = await testDaemon(t)
  const n = d.game.info().size
  const mk = async (name: string): Promise<Box> => (await fetch(`${d.url}/mailbox`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name }) })).json()
  const act = (b: Box, body: unknown, q = '') => fetch(`${d.url}/mailbox/${b.id}/actions${q}`, { method: 'POST', headers: { authorization: `Bearer ${b.token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) })
  const results = async (b: Box) => (await (await fetch(`${d.url}/mailbox/${b.id}/messages?after=0&limit=1024`, { headers: { authorization: `Bearer ${b.token}` } })).json())
    .messages.filter((m: { event: string }) => m.event === 'action_result').map((m: { payload: unknown }) => m.payload)
  const A = await mk('ann')
  const B = await mk('bob')
  const X = neighbors(n, A.player.cell)[0]
  // Bob walks to X (moves of at most 16 steps).
  const route = path(n, B.player.cell, X)
  for (let i = 16; ; i += 16) {
    const step = route[Math.min(i, route.length - 1)]
    const r = await (await act(B, { type: 'move', cell: step }, '?wait=true')).json()
    t.equal(r.results[0].ok, true, `bob moves to ${step}`)
    if (step === X) break
  }

  await t.test('two players racing for one cell in the same tick', async (t) => {
    await d.loop.stop()
    const ra = await (await act(A, { type: 'claim', cell: X })).json()
    const rb = await (await act(B, { type: 'claim', cell: X })).json()
    t.equal(ra.tick, rb.tick, 'both queued for the same tick')
    await d.tickOnce()
    d.loop.start()
    const [a] = (await results(A)).filter((p: { tick: number }) => p.tick === ra.tick)
    const [b] = (await results(B)).filter((p: { tick: number }) => p.tick === rb.tick)
    t.match(a, { ok: true }, 'the first valid action wins')
    t.match(b, { ok: false, code: 'HEXD_NOT_OWNER', reason: new RegExp(`cell ${X} belongs to player "${A.player.id}"`) }, 'the loser is told why')
    t.equal(d.game.cell(X).cell.owner, A.player.index)
  })

  await t.test('ownership violations change nothing', async (t) => {
    const placed = await (await act(A, { type: 'place', cell: X, proto: 'storage' }, '?wait=true')).json()
    t.match(placed.results, [{ ok: true }], 'ann builds a storage on her cell')
    const before = d.game.cell(X).cell
    for (const [body, code] of [
      [{ type: 'remove', cell: X }, 'HEXD_NOT_OWNER'],
      [{ type: 'claim', cell: X }, 'HEXD_NOT_OWNER'],
      [{ type: 'rotate', cell: X, dir: 2 }, 'HEXD_NO_STRUCTURE'],
    ] as const) {
      const r = await (await act(B, body, '?wait=true')).json()
      t.match(r.results[0], { ok: false, code }, `${body.type} on ann's cell: ${r.results[0].reason}`)
    }
    t.same(d.game.cell(X).cell, before, "ann's cell is unchanged")
  })

  await t.test("foreign mailbox access is refused and changes nothing", async (t) => {
    const headBefore = d.hub.sessions.get(A.id).outbox.head
    const pendingBefore = d.hub.sessions.get(A.id).outbox.pending
    const read = await fetch(`${d.url}/mailbox/${A.id}/messages?after=${headBefore}`, { headers: { authorization: `Bearer ${B.token}` } })
    t.equal(read.status, 403)
    t.match(await read.json(), { error: { code: 'HEXD_FORBIDDEN', field: 'session', message: /not yours/ } })
    t.equal(d.hub.sessions.get(A.id).outbox.pending, pendingBefore, "nothing of ann's was acknowledged")
    const post = await fetch(`${d.url}/mailbox/${A.id}/actions`, { method: 'POST', headers: { authorization: `Bearer ${B.token}`, 'content-type': 'application/json' }, body: JSON.stringify({ type: 'remove', cell: X }) })
    t.equal(post.status, 403, "bob cannot act through ann's mailbox")
    t.equal(d.router.queued, 0, 'nothing was queued')
    const del = await fetch(`${d.url}/mailbox/${A.id}`, { method: 'DELETE', headers: { authorization: `Bearer ${B.token}` } })
    t.equal(del.status, 403)
    t.equal((await fetch(`${d.url}/mailbox/${A.id}/messages`)).status, 401, 'no token: 401')
    t.equal((await fetch(`${d.url}/mailbox/${A.id}/messages`, { headers: { authorization: 'Bearer nope' } })).status, 401, 'wrong token: 401')
    t.equal((await fetch(`${d.url}/mailbox/${'0'.repeat(32)}/messages`, { headers: { authorization: `Bearer ${A.token}` } })).status, 404, 'unknown session: 404')
    t.ok(d.hub.sessions.get(A.id), "ann's session is still there")
  })
})
