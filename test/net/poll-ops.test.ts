// Plain long-poll, REST reads, /metrics and the OpenAPI document at its documented path.
import t from 'tap'
import { testDaemon } from './helpers.ts'

t.test('plain long-poll holds until a message, then answers with it', async (t) => {
  const d = await testDaemon(t)
  const mk = await (await fetch(`${d.url}/mailbox`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"name":"pat"}' })).json()
  const H = { authorization: `Bearer ${mk.token}` }
  await d.loop.stop() // nothing new until we act
  const first = await (await fetch(`${d.url}/poll/${mk.id}?after=0&timeout=5`, { headers: H })).json()
  const last = first.messages.at(-1).seq
  const polling = fetch(`${d.url}/poll/${mk.id}?after=${last}&timeout=10`, { headers: H }).then((r) => r.json())
  await new Promise((r) => setTimeout(r, 200))
  await fetch(`${d.url}/mailbox/${mk.id}/actions`, { method: 'POST', headers: { ...H, 'content-type': 'application/json' }, body: JSON.stringify({ type: 'claim', cell: mk.player.cell }) })
  await d.tickOnce()
  const got = await polling
  t.ok(got.messages.some((m: { event: string }) => m.event === 'action_result'), 'the held poll answered once there was something')
  t.equal(got.messages[0].seq, last + 1, 'continuing right after `after`')
  const empty = await (await fetch(`${d.url}/poll/${mk.id}?after=${d.hub.sessions.get(mk.id).outbox.head}&timeout=0`, { headers: H })).json()
  t.same(empty.messages.map((m: { event: string; seq: number }) => [m.seq, m.event]), [], 'timeout=0 answers at once')
  d.loop.start()
})

t.test('REST, metrics, OpenAPI', async (t) => {
  const d = await testDaemon(t)
  const mk = await (await fetch(`${d.url}/mailbox`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"name":"rex"}' })).json()
  const world = await (await fetch(`${d.url}/api/world`)).json()
  t.match(world, { name: 'main', tick: Number, ups: Number, hash: /^[0-9a-f]{16}$/, size: 16, players: 1, cells: 2562 })
  const cell = await (await fetch(`${d.url}/api/cells/${mk.player.cell}`)).json()
  t.match(cell, { cell: { id: mk.player.cell, terrain: Number, owner: 0 } }, 'REST cells carry every field')
  const chunk = await (await fetch(`${d.url}/api/chunks/0`)).json()
  t.equal(chunk.cells.length, 256, 'a 16x16 chunk')
  const players = await (await fetch(`${d.url}/api/players`)).json()
  t.match(players.players, [{ id: mk.player.id, name: 'rex', online: true }])
  const one = await fetch(`${d.url}/api/players/${mk.player.id}`)
  t.match(await one.json(), { player: { id: mk.player.id, inventory: {} } })
  t.equal((await fetch(`${d.url}/api/players/nobody`)).status, 404)
  await (await fetch(`${d.url}/mailbox/${mk.id}/actions?wait=true`, { method: 'POST', headers: { authorization: `Bearer ${mk.token}`, 'content-type': 'application/json' }, body: JSON.stringify({ type: 'claim', cell: mk.player.cell }) })).json()
  const metrics = await (await fetch(`${d.url}/metrics`)).text()
  for (const re of [/# TYPE hexd_tick_duration_seconds histogram/, /hexd_tick_duration_seconds_bucket\{le="\+Inf"\} \d+/, /hexd_ups \d/, /hexd_sessions\{transport="mailbox"\} 1/,
    /hexd_session_lag_messages\{stat="max"\} \d+/, /hexd_action_queue \d+/, /hexd_actions_total\{outcome="accepted"\} 1/]) t.match(metrics, re, `metrics has ${re}`)
  const api = await (await fetch(`${d.url}/api/openapi.json`)).json()
  t.equal(api.openapi, '3.0.3')
  for (const p of ['/mailbox', '/mailbox/{id}/messages', '/mailbox/{id}/actions', '/poll/{id}', '/api/world', '/api/cells/{id}', '/socket/longpoll', '/healthz', '/metrics']) t.ok(api.paths[p], `OpenAPI documents ${p}`)
})
