// A player comes back with its token after `hexd serve` restarts: the store keeps
// the sha256 of each session token (players.token_hash, never the token), and
// POST /mailbox {"token": …} opens a new session for that same player, and so
// does a Phoenix join of world:main with {"token": …} (the official client).
import t from 'tap'
import { cpSync } from 'node:fs'
import { createHash } from 'node:crypto'
import { pgliteTemplate, tempDir } from './helpers.ts'
import { serve } from './serve-process.ts'
import { openStore } from '../../src/store/open.ts'
import { pgliteBranchDir } from '../../src/store/branches.ts'
import { neighbors } from '../../src/engine/index.ts'
import { phoenix, join } from '../net/helpers.ts'

const SIZE = 16
const json = { 'content-type': 'application/json' }

async function post(url: string, body: unknown, token?: string): Promise<{ status: number; body: Record<string, any> }> {
  const r = await fetch(url, { method: 'POST', headers: token ? { ...json, authorization: `Bearer ${token}` } : json, body: JSON.stringify(body) })
  return { status: r.status, body: await r.json() as Record<string, any> }
}

t.test('a player reconnects with its old token after a restart, as the same player', async (t) => {
  const data = tempDir(t)
  cpSync(await pgliteTemplate(), pgliteBranchDir(data, 'main'), { recursive: true })
  const args = ['--data', data, '--size', String(SIZE), '--seed', '5']

  const s1 = await serve(args)
  const created = await post(s1.url + '/mailbox', { name: 'ann' })
  t.equal(created.status, 201, 'a new session and player')
  const { id, token, player } = created.body as { id: string; token: string; player: { id: string; cell: number } }
  const again = await post(s1.url + '/mailbox', { token })
  t.equal(again.status, 200, 'the token while the session lives: 200')
  t.equal(again.body.id, id, 'it opens the same live session')
  const cell1 = neighbors(SIZE, player.cell)[0]
  const claimed = await post(`${s1.url}/mailbox/${id}/actions?wait=true`, { type: 'claim', cell: cell1 }, token)
  t.equal(claimed.body.results?.[0]?.ok, true, 'ann claims a cell')
  s1.child.kill('SIGTERM')
  t.equal(await s1.exited, 0, 'graceful stop')

  const { db } = await openStore({ data })
  try {
    const rows = await db.query<{ id: string; token_hash: string; row: string }>('SELECT id, token_hash, row_to_json(players)::text AS row FROM players WHERE id = $1', [player.id])
    t.equal(rows[0]?.token_hash, createHash('sha256').update(token).digest('hex'), 'players.token_hash is the sha256 of the token')
    t.notOk(rows[0]?.row.includes(token), 'the token itself is stored nowhere in the row')
  } finally { await db.close() }

  const s2 = await serve(args)
  t.teardown(() => { s2.child.kill('SIGKILL') })
  const bad = await post(s2.url + '/mailbox', { token: 'not-a-token-of-anyone' })
  t.equal(bad.status, 401, 'an unknown token is refused')
  t.equal(bad.body.error?.code ?? bad.body.code, 'HEXD_UNAUTHORIZED')
  const oldSession = await fetch(`${s2.url}/mailbox/${id}/messages`, { headers: { authorization: `Bearer ${token}` } })
  t.equal(oldSession.status, 404, 'the old session did not survive the restart')
  const back = await post(s2.url + '/mailbox', { token })
  t.equal(back.status, 200, 'the old token opens a session again')
  t.equal(back.body.player?.id, player.id, 'as the same player id')
  t.not(back.body.id, id, 'in a new session')
  t.equal(back.body.token, token, 'keeping the same token')
  const cell2 = neighbors(SIZE, player.cell)[1]
  const act = await post(`${s2.url}/mailbox/${back.body.id}/actions?wait=true`, { type: 'claim', cell: cell2 }, token)
  t.equal(act.body.results?.[0]?.ok, true, 'and acts as that player')
  const cells = await (await fetch(`${s2.url}/api/cells/${cell1}`)).json() as { cell?: { owner: number } }
  const cellsNew = await (await fetch(`${s2.url}/api/cells/${cell2}`)).json() as { cell?: { owner: number } }
  t.equal(cellsNew.cell?.owner, cells.cell?.owner, 'the new claim has the same owner as the claim before the restart')
  t.ok((cells.cell?.owner ?? 0) > 0, 'which is a player')

  // The same over the Phoenix WebSocket: a join with the token alone.
  const ws = phoenix(t, s2.url, 'websocket')
  const badJoin = await join(ws.socket.channel('world:main', { token: 'not-a-token-of-anyone' })).then(() => null, (e: { response?: { code?: string } }) => e.response)
  t.equal(badJoin?.code, 'HEXD_UNAUTHORIZED', 'a Phoenix join with an unknown token is refused')
  const joined = await join(ws.socket.channel('world:main', { token }))
  t.equal(joined.player?.id, player.id, 'a Phoenix join with the token plays the same player')
  t.equal(joined.session, back.body.id, 'in the session that token already has open')
  ws.socket.disconnect()
  s2.child.kill('SIGTERM')
  t.equal(await s2.exited, 0)
})
