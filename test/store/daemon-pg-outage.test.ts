// `hexd serve` on Postgres when Postgres becomes unreachable mid-run (a TCP
// proxy we cut, not the machine's server): the daemon keeps ticking, holds the
// acknowledgements it cannot make durable, reconnects, and stores everything —
// every acknowledged action is in the journal, which replays to its hash.
import t from 'tap'
import { freshPgDatabase, pgAvailable, tempDir, PG_URL } from './helpers.ts'
import { requireOrSkip } from '../helpers/require.ts'
import { startProxy } from '../helpers/tcp-proxy.ts'
import { serve, mailboxClient, independentReplay, checkAcked, type Acked } from './serve-process.ts'
import { openStore } from '../../src/store/open.ts'

const SIZE = 16
const SEED = 3
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

t.test('Postgres unreachable mid-run: keeps ticking, buffers, reconnects, flushes; nothing lost', async (t) => {
  if (!(await requireOrSkip(t, 'pg', pgAvailable, PG_URL ? `no Postgres at ${PG_URL}` : 'HEXD_PG_URL is not set'))) return
  const { url, drop } = await freshPgDatabase()
  t.teardown(drop)
  const u = new URL(url)
  const proxy = await startProxy(Number(u.port || 5432), u.hostname)
  t.teardown(() => proxy.close())
  u.port = String(proxy.port)
  const data = tempDir(t)
  const s = await serve(['--data', data, '--database-url', u.toString(), '--size', String(SIZE), '--seed', String(SEED), '--ups', '30'])
  const acked: Acked[] = []
  const clients = [0, 1].map((k) => mailboxClient(s.url, `pg-${k}`, acked, SIZE))
  await sleep(800)
  proxy.cut()
  const before = acked.length
  const t0 = (await (await fetch(s.url + '/api/world')).json() as { tick: number }).tick
  await sleep(1500)
  const t1 = (await (await fetch(s.url + '/api/world')).json() as { tick: number }).tick
  t.ok(t1 > t0 + 10, `the world kept ticking while Postgres was unreachable (${t0} → ${t1})`)
  t.ok(acked.length - before <= 2, 'acknowledgements are held while nothing can be made durable')
  proxy.restore()
  await sleep(2500)
  t.ok(acked.length > before + 2, `after reconnecting the held actions are acknowledged (${before} → ${acked.length})`)
  for (const c of clients) c.stop()
  await Promise.all(clients.map((c) => c.done))
  s.child.kill('SIGTERM')
  t.equal(await s.exited, 0, 'graceful stop after the outage')
  const { db } = await openStore({ data, databaseUrl: url })
  try {
    await checkAcked(t, db, acked)
    const r = await independentReplay(db, SEED, SIZE)
    t.equal(r.hash, r.head?.hash, 'the journal replays to the committed hash')
    t.ok((r.head?.tick ?? 0) >= t1, 'ticks run during the outage were committed after it')
  } finally { await db.close() }
})
