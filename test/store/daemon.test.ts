// Durability of `hexd serve` with its store (PGlite), as a user would see it:
// SIGKILL while clients send actions, many cycles (HEXD_KILL_CYCLES, default
// 4; CI runs more): no acknowledged action is ever lost, and every restart
// recovers exactly the committed hash (checked again by an independent replay
// from tick 0). The cycles rotate --compute js / thread / process (when the
// native build is there), so recovery is also checked under native compute and
// across a change of compute mode.
import t from 'tap'
import { cpSync } from 'node:fs'
import { pgliteTemplate, tempDir } from './helpers.ts'
import { serve, mailboxClient, independentReplay, checkAcked, type Acked } from './serve-process.ts'
import { openStore } from '../../src/store/open.ts'
import { pgliteBranchDir } from '../../src/store/branches.ts'
import { loadNative } from '../../src/native/addon.ts'

const SIZE = 16
const SEED = 3
const CYCLES = Number(process.env.HEXD_KILL_CYCLES ?? 4)
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))
const COMPUTES = loadNative().ok ? ['js', 'thread', 'process'] : ['js']

t.test('SIGKILL while clients send actions: zero acknowledged actions lost, recovered hash = replayed hash', async (t) => {
  const data = tempDir(t)
  cpSync(await pgliteTemplate(), pgliteBranchDir(data, 'main'), { recursive: true })
  const acked: Acked[] = []
  let lastRecovered: Record<string, unknown> | undefined
  for (let cycle = 0; cycle < CYCLES; cycle++) {
    const compute = COMPUTES[cycle % COMPUTES.length]
    const s = await serve(['--data', data, '--size', String(SIZE), '--seed', String(SEED), '--ups', '30', '--snapshot-every', '15', '--compute', compute], { HEXD_LOG_LEVEL: 'info' })
    const opened = s.lines.find((l) => l.msg === 'store opened')!
    t.ok(opened, `cycle ${cycle} (--compute ${compute}): the store opened and recovered`)
    const maxAcked = Math.max(0, ...acked.map((a) => a.tick))
    t.ok(Number(opened.headTick) >= maxAcked, `cycle ${cycle}: recovered at tick ${opened.headTick} >= every acknowledged tick (${maxAcked}); snapshot ${opened.snapshotTick}, ${opened.replayedTicks} ticks replayed`)
    const info = await (await fetch(s.url + '/api/world')).json() as { tick: number }
    t.ok(info.tick >= Number(opened.headTick), 'the world goes on from the recovered tick')
    lastRecovered = opened
    const clients = [0, 1, 2].map((k) => mailboxClient(s.url, `c${cycle}-${k}`, acked, SIZE))
    // Kill mid-stream: once this cycle has acknowledgements, after a varying delay.
    const had = acked.length
    for (let w = 0; w < 200 && acked.length === had; w++) await sleep(50)
    await sleep(300 + ((cycle * 337) % 900))
    s.child.kill('SIGKILL')
    await s.exited
    for (const c of clients) c.stop()
    await Promise.all(clients.map((c) => c.done))
  }
  t.ok(acked.length >= CYCLES, `clients got ${acked.length} acknowledgements across ${CYCLES} kills`)
  const { db } = await openStore({ data })
  try {
    await checkAcked(t, db, acked)
    const r = await independentReplay(db, SEED, SIZE)
    t.equal(r.hash, r.head?.hash, `replaying the journal from tick 0 gives the committed hash at tick ${r.head?.tick}`)
    t.ok(lastRecovered, 'recoveries were logged')
  } finally { await db.close() }
  // One more start: it recovers exactly the head just verified.
  const s = await serve(['--data', data, '--size', String(SIZE), '--seed', String(SEED)], { HEXD_LOG_LEVEL: 'info' })
  const opened = s.lines.find((l) => l.msg === 'store opened')!
  s.child.kill('SIGTERM')
  t.equal(await s.exited, 0)
  const { db: db2 } = await openStore({ data })
  try {
    const r = await independentReplay(db2, SEED, SIZE)
    t.equal(opened.hash, (await db2.query<{ hash: string }>('SELECT hash FROM journal_head WHERE tick = $1', [opened.headTick]))[0]?.hash ?? r.hash, 'the recovered hash equals the committed one')
    t.equal(r.hash, r.head?.hash, 'and a graceful stop keeps the journal replayable')
  } finally { await db2.close() }
})

