// `hexd serve --cache-mb 0` as a user runs it: players claim cells in far-apart
// chunks and leave, so those chunks are written behind and evicted from memory;
// players who come back (with their tokens) get their chunks fetched back from
// the database and act there. The journal stays replayable to the committed
// hash, and a restart recovers it.
import t from 'tap'
import { cpSync } from 'node:fs'
import { pgliteTemplate, tempDir } from './helpers.ts'
import { serve, independentReplay } from './serve-process.ts'
import { openStore } from '../../src/store/open.ts'
import { pgliteBranchDir } from '../../src/store/branches.ts'
import { neighbors } from '../../src/engine/index.ts'

const SIZE = 256 // 162 chunks: players' chunks are parked once they leave
const SEED = 9
const json = { 'content-type': 'application/json' }
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

async function call(method: string, url: string, body?: unknown, token?: string): Promise<{ status: number; body: Record<string, any> }> {
  const headers: Record<string, string> = body === undefined ? {} : { ...json }
  if (token) headers.authorization = `Bearer ${token}`
  const r = await fetch(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) })
  return { status: r.status, body: await r.json().catch(() => ({})) as Record<string, any> }
}

t.test('--cache-mb 0: far chunks are evicted and fetched back, the world stays replayable', async (t) => {
  const data = tempDir(t)
  cpSync(await pgliteTemplate(), pgliteBranchDir(data, 'main'), { recursive: true })
  const args = ['--data', data, '--size', String(SIZE), '--seed', String(SEED), '--cache-mb', '0']
  const s = await serve(args, { HEXD_LOG_LEVEL: 'debug' })
  const players: Array<{ id: string; token: string; player: { id: string; cell: number } }> = []
  for (let k = 0; k < 6; k++) {
    const c = await call('POST', s.url + '/mailbox', { name: `p${k}` })
    players.push(c.body as never)
    const r = await call('POST', `${s.url}/mailbox/${c.body.id}/actions?wait=true`, { type: 'claim', cell: c.body.player.cell }, c.body.token)
    t.equal(r.body.results?.[0]?.ok, true, `p${k} claims its cell`)
    t.equal((await call('DELETE', `${s.url}/mailbox/${c.body.id}`, undefined, c.body.token)).status, 200, `p${k} leaves`)
  }
  // Written behind (every second), then evicted.
  for (let w = 0; w < 60 && !s.lines.some((l) => l.msg === 'chunks evicted from memory'); w++) await sleep(100)
  t.ok(s.lines.some((l) => l.msg === 'chunks evicted from memory'), 'chunks were evicted from memory')
  for (const p of players.slice(0, 3)) {
    const back = await call('POST', s.url + '/mailbox', { token: p.token })
    t.equal(back.body.player?.id, p.player.id, `${p.player.id} comes back`)
    const cell = neighbors(SIZE, p.player.cell)[0]
    const r = await call('POST', `${s.url}/mailbox/${back.body.id}/actions?wait=true`, { type: 'claim', cell }, p.token)
    t.equal(r.body.results?.[0]?.ok, true, 'and claims next to its old cell')
    const old = await call('GET', `${s.url}/api/cells/${p.player.cell}`)
    t.ok(old.body.cell?.owner > 0, 'its old claim is still there')
  }
  t.ok(s.lines.some((l) => l.msg === 'evicted chunks fetched back from the database'), 'evicted chunks were fetched back from the database')
  const info = await (await fetch(s.url + '/api/world')).json() as { tick: number; hash: string }
  t.ok(info.tick > 0)
  s.child.kill('SIGTERM')
  t.equal(await s.exited, 0, 'graceful stop (final snapshot with evicted chunks filled from the database)')

  const { db } = await openStore({ data })
  try {
    const r = await independentReplay(db, SEED, SIZE)
    t.equal(r.hash, r.head?.hash, `replaying the journal from tick 0 gives the committed hash (tick ${r.head?.tick})`)
  } finally { await db.close() }
  const s2 = await serve(args, { HEXD_LOG_LEVEL: 'info' })
  const opened = s2.lines.find((l) => l.msg === 'store opened')!
  t.equal(opened.replayedTicks, 0, 'the closing snapshot was at the head')
  const again = await (await fetch(s2.url + '/api/world')).json() as { hash: string; tick: number }
  t.ok(again.tick >= Number(opened.headTick), 'the recovered world runs')
  s2.child.kill('SIGTERM')
  t.equal(await s2.exited, 0)
})
