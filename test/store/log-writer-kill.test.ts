// `hexd serve` SIGKILLed while clients act, then restarted, with the durable embedded log and with
// NATS: the persistence writer starts from the offsets it had committed in the database (resuming,
// or reconciling when the log ended before the journal head), and after a graceful stop the chunks
// and players tables equal the recovered world and the offsets equal the log's end.
import t, { type Test } from 'tap'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { serve, mailboxClient, type Acked } from './serve-process.ts'
import { Persistence } from '../../src/store/persistence.ts'
import { openEventLog } from '../../src/bus/open.ts'
import { TICK_TOPICS } from '../../src/bus/tick-event.ts'
import { NATS_URL, natsUp } from '../bus/backends.ts'
import { requireOrSkip } from '../helpers/require.ts'

const SIZE = 16

/** The persist group's committed offsets in the database, and the log's ends. */
async function state(dir: string, bus: string, ns: string): Promise<{ committed: Record<string, number | null>; end: Record<string, number>; store: Persistence }> {
  const store = await Persistence.open({ data: dir, seed: 1, size: SIZE })
  const log = await openEventLog({ bus, dir: bus === 'embedded' ? store.eventLogDir() : undefined, namespace: ns, offsets: store.logOffsets })
  const committed: Record<string, number | null> = {}, end: Record<string, number> = {}
  for (const topic of ['chunks', 'ticks'] as const) {
    await log.createTopic(topic, TICK_TOPICS[topic])
    for (let p = 0; p < TICK_TOPICS[topic]; p++) {
      committed[`${topic}/${p}`] = (await store.logOffsets.load('persist', topic, p)) ?? null
      end[`${topic}/${p}`] = (await log.bounds(topic, p)).end
    }
  }
  await log.close()
  return { committed, end, store }
}

async function tablesMatchWorld(t: Test, store: Persistence): Promise<void> {
  const w = store.world
  const rows = new Map((await store.db.query<{ id: number; hash: string }>('SELECT id, hash FROM chunks')).map((r) => [Number(r.id), r.hash]))
  const modified = w.modifiedChunks()
  t.ok(modified.length > 0, `the world has modified chunks (${modified.length})`)
  t.same(modified.filter((id) => rows.get(id) !== w.chunkHash(id)), [], 'every modified chunk is stored with the world\'s hash')
  const players = new Map((await store.db.query<{ id: string; position: number }>('SELECT id, position FROM players')).map((r) => [r.id, r.position]))
  t.same(w.playerList().filter((p) => players.get(p.id) !== p.cell).map((p) => p.id), [], `all ${w.playerList().length} players stored where the world has them`)
}

async function suite(t: Test, bus: string): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'hexd-wkill-'))
  const ns = `tk${process.pid}${Math.random().toString(36).slice(2, 7)}`
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  const args = ['--data', dir, '--size', String(SIZE), '--ups', '20', ...(bus === 'embedded' ? [] : ['--bus', bus])]
  const env = { HEXD_LOG_LEVEL: 'info', HEXD_BUS_NAMESPACE: ns }
  const acked: Acked[] = []

  // Run with clients, SIGKILL mid-stream.
  let s = await serve(args, env)
  let clients = [mailboxClient(s.url, 'a', acked, SIZE), mailboxClient(s.url, 'b', acked, SIZE)]
  while (acked.length < 40) await new Promise((r) => setTimeout(r, 50))
  s.child.kill('SIGKILL')
  await s.exited
  for (const c of clients) { c.stop(); await c.done }
  const before = await state(dir, bus, ns)
  await before.store.close()
  t.ok(Object.values(before.committed).some((c) => (c ?? 0) > 0), 'the writer had committed offsets before the kill')

  // Restart: the writer starts from exactly those offsets.
  s = await serve(args, env)
  const line = s.lines.find((l) => l.msg === 'persistence writer consuming the event log')!
  t.ok(line, 'the writer reported how it started')
  t.same(line.committed, before.committed, `it found the committed offsets (mode ${line.mode}${line.reason ? ': ' + line.reason : ''})`)
  t.ok(line.mode === 'resume' || line.mode === 'reconcile', `mode ${line.mode}`)
  clients = [mailboxClient(s.url, 'c', acked, SIZE)]
  const n = acked.length
  while (acked.length < n + 20) await new Promise((r) => setTimeout(r, 50))
  for (const c of clients) c.stop()
  s.child.kill('SIGTERM')
  t.equal(await s.exited, 0, 'graceful stop')
  for (const c of clients) await c.done

  const after = await state(dir, bus, ns)
  t.same(after.committed, after.end, 'after a graceful stop, the offsets are the log end')
  for (const k of Object.keys(after.end)) t.ok(after.end[k] >= before.end[k], `${k}: the log kept its records across the kill (${before.end[k]} -> ${after.end[k]})`)
  await tablesMatchWorld(t, after.store)
  await after.store.close()
  if (bus !== 'embedded') {
    const { NatsBackend } = await import('../../src/bus/nats.ts')
    const be = await NatsBackend.connect(NATS_URL, { namespace: ns })
    await be.destroyNamespace()
    await be.close()
  }
}

t.test('embedded durable log', (t) => suite(t, 'embedded'))

t.test('NATS JetStream', async (t) => {
  if (!(await requireOrSkip(t, 'nats', natsUp, `no NATS server at ${NATS_URL}`))) return
  await suite(t, NATS_URL)
})
