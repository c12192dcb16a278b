// Malformed frames and bodies, oversize bodies and frames, unknown topics, limits: each gets a clear error and changes nothing.
import t from 'tap'
import { once } from 'node:events'
import { WebSocket } from 'ws'
import { testDaemon, until } from './helpers.ts'

/** A raw WebSocket speaking Phoenix frames by hand, so we can send what the phoenix client never would. */
async function raw(url: string) {
  const ws = new WebSocket(url.replace(/^http/, 'ws') + '/socket/websocket?vsn=2.0.0')
  const frames: unknown[][] = []
  ws.on('message', (d) => frames.push(JSON.parse(d.toString())))
  await once(ws, 'open')
  let ref = 0
  return {
    ws, frames,
    send(text: string) { ws.send(text) },
    /** Sends a frame and resolves with the phx_reply payload for its ref. */
    async call(topic: string, event: string, payload: unknown, joinRef: string | null = null): Promise<{ status: string; response: Record<string, any> }> {
      const r = String(++ref)
      ws.send(JSON.stringify([joinRef, r, topic, event, payload]))
      for (let i = 0; i < 1000; i++) {
        const f = frames.find((x) => x[1] === r && x[3] === 'phx_reply')
        if (f) return f[4] as { status: string; response: Record<string, any> }
        await new Promise((res) => setTimeout(res, 10))
      }
      throw new Error(`no reply to ${event}`)
    },
  }
}

t.test('Phoenix frames', async (t) => {
  const d = await testDaemon(t)
  const c = await raw(d.url)
  t.teardown(() => c.ws.close())
  c.send('this is not json')
  c.send('{"not":"an array"}')
  // Waited for, not slept on: a fixed 100 ms was too short on a loaded machine.
  const isErr = (f: unknown[]) => f[2] === 'phoenix' && f[3] === 'phx_error'
  await until('two phx_error frames', () => c.frames.filter(isErr).length >= 2, 10_000)
  const errs = c.frames.filter(isErr)
  t.equal(errs.length, 2, 'each unparseable frame gets a phx_error')
  t.match(errs[0][4], { code: 'HEXD_BAD_FRAME', reason: /not valid JSON/ })
  t.same(await c.call('phoenix', 'heartbeat', {}), { status: 'ok', response: {} }, 'the connection survives')
  t.match(await c.call('world:main', 'phx_join', [1, 2]), { status: 'error', response: { code: 'HEXD_BAD_FRAME', reason: /payload/ } }, 'a bad payload with a readable ref gets an error reply')
  t.match(await c.call('room:lobby', 'phx_join', {}), { status: 'error', response: { code: 'HEXD_UNKNOWN_TOPIC', reason: /room:lobby/ } }, 'unknown topic')
  t.match(await c.call('world:main', 'action', { type: 'claim', cell: 3 }), { status: 'error', response: { code: 'HEXD_NOT_JOINED' } }, 'push before join')
  t.match(await c.call('world:main', 'phx_join', { after: -1 }), { status: 'error', response: { code: 'HEXD_BAD_REQUEST', field: 'after' } }, 'bad join payload names the field')
  t.match(await c.call('world:main', 'phx_join', { session: 'f'.repeat(32), token: 'x' }), { status: 'error', response: { code: 'HEXD_NOT_FOUND' } }, 'unknown session')
  t.equal(d.hub.sessions.size, 0, 'no session was created by any of that')
  const ok = await c.call('world:main', 'phx_join', { name: 'ann' }, '9')
  t.equal(ok.status, 'ok')
  t.match(await c.call('world:main', 'phx_join', { name: 'again' }, '10'), { status: 'error', response: { code: 'HEXD_ALREADY_JOINED' } }, 'one session per connection')
  t.match(await c.call('world:main', 'dance', {}, '9'), { status: 'error', response: { code: 'HEXD_BAD_REQUEST', field: 'event' } }, 'unknown event')
  t.match(await c.call('world:main', 'action', { type: 'fly', cell: 1 }, '9'), { status: 'error', response: { code: 'HEXD_BAD_ACTION', field: 'type' } }, 'bad action type')
  t.match(await c.call('world:main', 'action', { type: 'claim', cell: 1e12 }, '9'), { status: 'error', response: { code: 'HEXD_BAD_CELL', field: 'cell' } }, 'cell out of the world')
  t.match(await c.call('world:main', 'action', { type: 'claim', cell: 5, player: 'someone-else' }, '9'), { status: 'error', response: { code: 'HEXD_BAD_ACTION', field: 'player' } }, 'cannot act as another player')
  t.match(await c.call('world:main', 'action', { actions: [{ type: 'claim', cell: 5 }, { type: 'claim' }] }, '9'), { status: 'error', response: { code: 'HEXD_BAD_CELL', field: 'actions[1].cell' } }, 'a bad action in a batch names its index; nothing of the batch is queued')
  t.equal(d.router.queued, 0, 'nothing queued')
  t.equal(d.hub.sessions.size, 1)
  const [session] = d.hub.sessions.all()
  t.equal(session.player.name, 'ann', 'the failed second join did not change the session')
})

t.test('oversize WebSocket frames close the socket with 1009', async (t) => {
  const d = await testDaemon(t)
  const c = await raw(d.url)
  c.send(JSON.stringify([null, '1', 'phoenix', 'heartbeat', { pad: 'x'.repeat(70_000) }]))
  const [code] = await once(c.ws, 'close')
  t.equal(code, 1009, 'message too big')
})

t.test('HTTP bodies and queries', async (t) => {
  const d = await testDaemon(t)
  const mk = await (await fetch(`${d.url}/mailbox`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"name":"ann"}' })).json()
  const H = { authorization: `Bearer ${mk.token}`, 'content-type': 'application/json' }
  const post = (body: string, path = `/mailbox/${mk.id}/actions`) => fetch(d.url + path, { method: 'POST', headers: H, body })
  const cases: Array<[string, Promise<Response>, number, string, string | undefined]> = [
    ['invalid JSON', post('{"type":'), 400, 'HEXD_BAD_REQUEST', 'body'],
    ['actions not an array', post('{"actions":5}'), 400, 'HEXD_BAD_REQUEST', undefined],
    ['unknown action type', post('{"type":"fly","cell":1}'), 422, 'HEXD_BAD_ACTION', 'type'],
    ['cell not a number', post('{"type":"claim","cell":"x"}'), 400, 'HEXD_BAD_CELL', 'cell'],
    ['oversize body', post(JSON.stringify({ type: 'claim', cell: 1, pad: 'x'.repeat(70_000) })), 413, 'HEXD_TOO_LARGE', 'body'],
    ['batch over 64', post(JSON.stringify(Array.from({ length: 65 }, () => ({ type: 'claim', cell: 1 })))), 413, 'HEXD_TOO_LARGE', 'actions'],
    ['bad name', post('{"name":5}', '/mailbox'), 400, 'HEXD_BAD_REQUEST', 'name'],
    ['unknown field', post('{"nick":"x"}', '/mailbox'), 400, 'HEXD_BAD_REQUEST', 'nick'],
  ]
  for (const [what, p, status, code, field] of cases) {
    const r = await p
    const body = await r.json()
    t.equal(r.status, status, `${what}: HTTP ${status}`)
    t.equal(body.error?.code, code, `${what}: ${body.error?.message}`)
    if (field) t.equal(body.error?.field, field, `${what}: names ${field}`)
  }
  const q = await fetch(`${d.url}/mailbox/${mk.id}/messages?after=-1`, { headers: H })
  t.match({ s: q.status, b: await q.json() }, { s: 400, b: { error: { code: 'HEXD_BAD_REQUEST', field: 'after' } } }, 'bad query names the field')
  const w = await fetch(`${d.url}/mailbox/${mk.id}/messages?wait=999`, { headers: H })
  t.match({ s: w.status, b: await w.json() }, { s: 400, b: { error: { field: 'wait' } } }, 'wait above the limit')
  const c404 = await fetch(`${d.url}/api/chunks/999999`)
  t.match({ s: c404.status, b: await c404.json() }, { s: 400, b: { error: { code: 'HEXD_BAD_CHUNK' } } }, 'chunk outside the world')
  const nf = await fetch(`${d.url}/nowhere`)
  t.match({ s: nf.status, b: await nf.json() }, { s: 404, b: { error: { code: 'HEXD_NOT_FOUND' } } }, 'unknown route')
  t.equal(d.router.queued, 0, 'nothing was queued by any bad request')
  t.equal(d.hub.sessions.size, 1, 'no extra session was created')

  // Rate limit: two batches of 40 for the same tick.
  await d.loop.stop()
  const a = await post(JSON.stringify(Array.from({ length: 40 }, () => ({ type: 'move', cell: mk.player.cell }))))
  const b = await post(JSON.stringify(Array.from({ length: 40 }, () => ({ type: 'move', cell: mk.player.cell }))))
  t.equal(a.status, 202)
  t.match({ s: b.status, b: await b.json() }, { s: 429, b: { error: { code: 'HEXD_RATE_LIMITED' } } }, 'more than 64 actions per tick are refused')
  t.equal(d.router.queued, 40, 'only the first batch was queued')
  d.loop.start()
})

t.test('idempotency key: a retry returns the first answer and queues nothing', async (t) => {
  const d = await testDaemon(t)
  const mk = await (await fetch(`${d.url}/mailbox`, { method: 'POST' })).json()
  t.match(mk, { player: { name: 'player' } }, 'POST /mailbox with no body works (default name)')
  await d.loop.stop()
  const H = { authorization: `Bearer ${mk.token}`, 'content-type': 'application/json', 'idempotency-key': 'k1' }
  const body = JSON.stringify({ type: 'claim', cell: mk.player.cell })
  const first = await (await fetch(`${d.url}/mailbox/${mk.id}/actions`, { method: 'POST', headers: H, body })).json()
  const again = await (await fetch(`${d.url}/mailbox/${mk.id}/actions`, { method: 'POST', headers: H, body })).json()
  t.same(again, first)
  t.equal(d.router.queued, 1, 'queued once')
  d.loop.start()
})

t.test('an overloaded queue sheds new actions with a clear error instead of growing', async (t) => {
  const d = await testDaemon(t)
  const mk = await (await fetch(`${d.url}/mailbox`, { method: 'POST' })).json()
  await d.loop.stop()
  d.hub.limits.maxQueue = 2
  const H = { authorization: `Bearer ${mk.token}`, 'content-type': 'application/json' }
  const body = JSON.stringify({ type: 'move', cell: mk.player.cell })
  const codes = []
  for (let i = 0; i < 3; i++) codes.push((await fetch(`${d.url}/mailbox/${mk.id}/actions`, { method: 'POST', headers: H, body })).status)
  t.same(codes, [202, 202, 429], 'the third action is shed')
  t.equal(d.router.queued, 2, 'the queue did not grow past its cap')
  const metrics = await (await fetch(`${d.url}/metrics`)).text()
  t.match(metrics, /hexd_actions_total\{outcome="shed"\} 1/)
  d.loop.start()
})
