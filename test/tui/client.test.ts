// TuiClient against a real daemon (startDaemon, in process): join, the first
// snapshot, actions accepted and rejected with the engine's reason, players,
// and reconnect + resume with no seq gap or duplicate after a dropped
// connection; a fresh session after the daemon forgot ours.
import t from 'tap'
import pino from 'pino'
import { startDaemon } from '../../src/daemon/daemon.ts'
import { DEFAULTS } from '../../src/daemon/config.ts'
import { TuiClient } from '../../src/tui/client.ts'
import { GameModel } from '../../src/tui/model.ts'
import { neighbors } from '../../src/engine/geometry.ts'

const quiet = pino({ level: 'silent' })
const daemonAt = (port = 0) => startDaemon({ ...DEFAULTS, compute: 'js', port, size: 16, seed: 3, ups: 20, zmqRep: 'none', zmqPub: 'none', log: quiet })

async function until(what: string, pred: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms
  while (!pred()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 20))
  }
}

t.test('join, snapshot, actions, reconnect + resume', async (t) => {
  const daemon = await daemonAt()
  t.teardown(() => daemon.close())
  const model = new GameModel({ size: 16, maxFps: 0 })
  const seqs: number[] = []
  const client = new TuiClient({ url: daemon.url, name: 'carol', model, pollMs: 300, observe: (_t, _e, p) => { if (typeof p.seq === 'number') seqs.push(p.seq) } })
  t.teardown(() => client.close())
  const joined = await client.connect()
  t.equal(joined.player.name, 'carol')
  t.equal(joined.size, 16)
  await until('the first snapshot', () => model.cells.has(joined.player.cell))
  t.ok(model.cells.size > 256, `snapshot: ${model.cells.size} cells (several chunks around the player)`)
  t.equal(model.status.conn, 'online')
  t.equal(model.me?.name, 'carol', 'the model knows who we are')
  await until('latency measured', () => model.status.latencyMs !== undefined)
  await until('players polled', () => model.players.some((p) => p.name === 'carol' && p.index > 0))

  // An accepted action, and its effect arriving as a diff.
  const cell = joined.player.cell
  const claim = await client.send({ type: 'claim', cell })
  t.same(claim.ok, true, `claim accepted: ${JSON.stringify(claim)}`)
  await until('the claim in the model', () => model.cells.get(cell)?.owner === model.me?.index)
  // A rejected one, with the engine's code and reason (the north pole is never buildable, and far away).
  const bad = await client.send({ type: 'place', cell: 0, proto: 'conveyor', dir: 0 })
  t.equal(bad.ok, false)
  if (!bad.ok) { t.match(bad.code, /^HEXD_/); t.ok(bad.reason.length > 5, `reason: ${bad.reason}`) }
  // Malformed: refused before the tick, with the field named.
  const malformed = await client.send({ type: 'place', cell, proto: 'conveyor', bogus: 1 } as never)
  t.equal(malformed.ok, false)
  if (!malformed.ok) t.match(malformed.reason, /bogus/)

  // Drop the connection under the client's feet (like a network cut).
  const before = client.lastSeq
  ;(client as unknown as { socket: { conn: { terminate(): void } } }).socket.conn.terminate()
  await until('reconnecting shown', () => model.status.conn === 'reconnecting')
  // Meanwhile the world changes: another action of ours through a second client would do, but a
  // claim of a neighbour by this same session queued now is sent once the channel rejoins.
  const nb = neighbors(16, cell)[0]!
  const claim2 = client.send({ type: 'claim', cell: nb })
  await until('online again', () => model.status.conn === 'online')
  t.same((await claim2).ok, true, 'an action sent while disconnected is delivered after the rejoin')
  await until('the second claim in the model', () => model.cells.get(nb)?.owner === model.me?.index)
  t.ok(client.lastSeq > before, 'messages after the reconnect arrived')
  t.equal(client.info?.session, joined.session, 'the same session was resumed')
  for (let i = 1; i < seqs.length; i++) if (seqs[i] !== seqs[i - 1]! + 1) { t.fail(`seq gap or duplicate: ${seqs[i - 1]} then ${seqs[i]}`); break }
  t.pass(`${seqs.length} messages, seq ${seqs[0]}..${seqs.at(-1)} with no gap or duplicate`)
})

t.test('the daemon restarts and forgets the session: the client joins afresh by itself', async (t) => {
  const first = await daemonAt()
  const port = first.port
  const model = new GameModel({ size: 16, maxFps: 0 })
  const client = new TuiClient({ url: first.url, name: 'dave', model, pollMs: 300 })
  t.teardown(() => client.close())
  const joined = await client.connect()
  await first.close()
  await until('reconnecting', () => model.status.conn === 'reconnecting')
  const second = await daemonAt(port)
  t.teardown(() => second.close())
  await until('online on the new daemon', () => model.status.conn === 'online' && client.info?.session !== joined.session, 15_000)
  t.match(model.notice?.text ?? '', /session lost/, 'the user is told')
  t.equal(model.home?.cell, client.info!.player.cell, 'the map is asked to recentre on the new player')
  await until('a snapshot from the new daemon', () => model.cells.has(client.info!.player.cell))
  t.pass('playing again')
})
