/**
 * Runs `hexd serve` as a real process for store tests, with a curl-shaped
 * mailbox client, and replays a stored journal independently with the engine.
 */
import type { ChildProcess } from 'node:child_process'
import type { Test } from 'tap'
import { World, neighbors } from '../../src/engine/index.ts'
import type { Db } from '../../src/store/db.ts'
import { readHead } from '../../src/store/journal.ts'
import { actionsBetween } from '../../src/store/recovery.ts'
import { spawnServe } from '../helpers/hexd-serve.ts'

export interface Served { child: ChildProcess; url: string; lines: Array<Record<string, unknown>>; exited: Promise<number | null> }

/** Starts `hexd serve --port 0 --no-zmq … args` (log level warn unless `env` says); resolves once it listens. */
export async function serve(args: string[], env: Record<string, string> = {}): Promise<Served> {
  const s = spawnServe(['--port', '0', '--no-zmq', ...args], { env: { HEXD_LOG_LEVEL: 'warn', ...env } })
  return { child: s.child, url: await s.listening, lines: s.lines, exited: s.exited }
}

export interface Acked { player: string; type: string; cell: number; tick: number }

/**
 * A mailbox client: creates a session (its player joins), then sends claim and
 * move actions with ?wait=true until `stop()`, recording every action the
 * server acknowledged as applied.
 */
export function mailboxClient(url: string, name: string, acked: Acked[], size: number): { stop: () => void; done: Promise<void> } {
  let running = true
  const done = (async () => {
    let mb: { id: string; token: string; player: { id: string; cell: number } }
    try {
      const r = await fetch(url + '/mailbox', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name }) })
      if (r.status !== 200 && r.status !== 201) return
      mb = await r.json()
    } catch { return }
    const auth = { authorization: `Bearer ${mb.token}`, 'content-type': 'application/json' }
    const home = mb.player.cell
    const near = neighbors(size, home)
    for (let k = 0; running; k++) {
      const cell = k % 3 === 2 ? home : near[k % near.length]
      const action = k % 3 === 2 ? { type: 'move', cell } : { type: 'claim', cell }
      try {
        const r = await fetch(`${url}/mailbox/${mb.id}/actions?wait=true`, { method: 'POST', headers: auth, body: JSON.stringify(action) })
        if (r.status !== 200) continue
        const body = await r.json() as { results: Array<{ ok: boolean; tick: number }> }
        if (body.results?.[0]?.ok) acked.push({ player: mb.player.id, type: action.type, cell, tick: body.results[0].tick })
      } catch { return } // the server went away
    }
  })()
  return { stop: () => { running = false }, done }
}

/** Replays the whole stored journal on a fresh engine world; returns the head and the replayed hash. */
export async function independentReplay(db: Db, seed: number, size: number): Promise<{ head: { tick: number; hash: string } | undefined; hash: string }> {
  const head = await readHead(db)
  const w = new World({ seed, size })
  const byTick = await actionsBetween(db, 0, head?.tick ?? 0)
  for (let t = 1; t <= (head?.tick ?? 0); t++) w.step(byTick.get(t) ?? [])
  return { head, hash: w.hash() }
}

/** Asserts that every acknowledged action is in the stored journal at its tick. */
export async function checkAcked(t: Test, db: Db, acked: Acked[]): Promise<void> {
  const rows = await db.query<{ tick: number; payload: { type: string; player: string; cell: number } }>('SELECT tick, payload FROM journal_actions')
  const stored = new Set(rows.map((r) => `${r.tick}:${r.payload.player}:${r.payload.type}:${r.payload.cell}`))
  const lost = acked.filter((a) => !stored.has(`${a.tick}:${a.player}:${a.type}:${a.cell}`))
  t.same(lost, [], `all ${acked.length} acknowledged actions are in the journal`)
}
