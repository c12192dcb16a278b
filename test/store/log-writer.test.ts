// The persistence writer as a consumer group of the event log (src/store/log-writer.ts), with the
// durable embedded log and with NATS JetStream: its offsets are committed with its rows; a
// restarted writer resumes from them (records below are not read again, the ones after are, and
// the tables end up equal to the world); a restarted daemon reopens the same log and resumes;
// a log behind the journal (a crash between the journal commit and the log append) reconciles.
import t, { type Test } from 'tap'
import pino from 'pino'
import { mkdtempSync, readdirSync, readFileSync, rmSync, truncateSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DEFAULTS } from '../../src/daemon/config.ts'
import { startDaemon, type Daemon } from '../../src/daemon/daemon.ts'
import { Persistence } from '../../src/store/persistence.ts'
import type { EventLog } from '../../src/bus/log.ts'
import type { WriterReport } from '../../src/store/log-writer.ts'
import { actionsFor, SEED, SIZE } from './world-script.ts'
import { NATS_URL, natsUp } from '../bus/backends.ts'
import { requireOrSkip } from '../helpers/require.ts'

const silent = pino({ level: 'silent' })

interface Run { d: Daemon; store: Persistence; log: () => EventLog; report: () => WriterReport }

async function start(dir: string, bus: string, flushMs: number): Promise<Run> {
  const store = await Persistence.open({ data: dir, seed: SEED, size: SIZE, flushMs, snapshotEvery: 25 })
  let log!: EventLog, report!: WriterReport
  const d = await startDaemon({
    ...DEFAULTS, compute: 'js', port: 0, seed: SEED, size: SIZE, zmqRep: 'none', zmqPub: 'none', bus, log: silent, manualTicks: true,
    world: store.world, journal: store, listeners: [store], offsets: store.logOffsets, logDir: store.eventLogDir(),
    attachLog: async (l) => { log = l; const r = await store.attachLog(l); report = r.report; return r },
  })
  return { d, store, log: () => log, report: () => report }
}

/** Runs `n` ticks of the store tests' script through the daemon's queue, then waits until the log holds them. */
async function ticks(r: Run, n: number): Promise<void> {
  for (let k = 0; k < n; k++) {
    const w = r.d.game.world
    const actions = actionsFor(w, w.tick + 1)
    if (actions.length) r.d.router.enqueue(null, actions, w.tick).results.catch(() => {})
    await r.d.tickOnce()
  }
  await until(async () => (await lastLoggedTick(r.log())) === r.d.game.world.tick)
}

async function lastLoggedTick(log: EventLog): Promise<number | null> {
  const b = await log.bounds('ticks', 0)
  if (b.end === b.start) return null
  return JSON.parse((await log.read('ticks', 0, b.end - 1, 1))[0].value.toString()).tick
}

async function until(pred: () => Promise<boolean> | boolean, ms = 20_000): Promise<void> {
  const end = Date.now() + ms
  while (!(await pred())) {
    if (Date.now() > end) throw new Error('timed out waiting')
    await new Promise((r) => setTimeout(r, 20))
  }
}

/** Committed offsets of group persist and the log's ends, per topic/partition. */
async function offsets(r: Run): Promise<{ committed: Record<string, number>; end: Record<string, number> }> {
  const committed: Record<string, number> = {}, end: Record<string, number> = {}
  for (const topic of ['chunks', 'ticks']) {
    for (let p = 0; p < r.log().partitions(topic); p++) {
      committed[`${topic}/${p}`] = (await r.store.logOffsets.load('persist', topic, p)) ?? -1
      end[`${topic}/${p}`] = (await r.log().bounds(topic, p)).end
    }
  }
  return { committed, end }
}

/** The chunks and players tables hold exactly the world's modified chunks and players. */
async function tablesMatchWorld(t: Test, store: Persistence, what: string): Promise<void> {
  const w = store.world
  const rows = new Map((await store.db.query<{ id: number; hash: string }>('SELECT id, hash FROM chunks')).map((r) => [Number(r.id), r.hash]))
  const modified = w.modifiedChunks()
  const wrong = modified.filter((id) => rows.get(id) !== w.chunkHash(id))
  t.ok(modified.length > 0, `${what}: the world has modified chunks (${modified.length})`)
  t.same(wrong, [], `${what}: every modified chunk is stored with the world's hash`)
  const players = new Map((await store.db.query<{ id: string; position: number; inventory: Record<string, number> }>('SELECT id, position, inventory FROM players')).map((r) => [r.id, r]))
  for (const p of w.playerList()) t.same({ position: players.get(p.id)?.position, inventory: players.get(p.id)?.inventory }, { position: p.cell, inventory: p.inventory }, `${what}: player ${p.id} stored as the world has it`)
}

async function suite(t: Test, bus: string): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'hexd-writer-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))

  // 1. A fresh store: the writer starts fresh, and commits what it wrote.
  let r = await start(dir, bus, 60_000) // writes only when told (flush) or at close
  t.equal(r.report().mode, 'fresh')
  await ticks(r, 20)
  // flush() writes what the writer has read: wait until it has read the log's end (a NATS
  // reader receives the tail a little after the append resolved).
  await until(async () => (await r.store.logWriter!.lag()) === 0)
  await r.store.logWriter!.flush()
  const first = await offsets(r)
  t.same(first.committed, first.end, 'after a write, the committed offsets are the log end')
  await tablesMatchWorld(t, r.store, 'first write')

  // 2. The writer consumes more, then dies before writing (what a crash does).
  await ticks(r, 20)
  const writer = r.store.logWriter!
  await until(async () => (await writer.lag()) === 0)
  await writer.abort()
  const mid = await offsets(r)
  t.same(mid.committed, first.committed, 'nothing consumed after the last write was committed')
  t.ok(Object.keys(mid.end).some((k) => mid.end[k] > mid.committed[k]), 'the log holds records past the committed offsets')

  // 3. A new writer resumes from the committed offsets: records below them are not read again,
  //    every record after them is (at least once), and the tables match the world.
  const again = await r.store.attachLog(r.log())
  t.equal(again.report.mode, 'resume')
  t.same(again.report.committed, mid.committed, 'it found the committed offsets')
  await until(() => r.store.logWriter!.stats.records >= Object.keys(mid.end).reduce((n, k) => n + mid.end[k] - mid.committed[k], 0))
  const resumed = r.store.logWriter!.stats
  for (const [k, first] of Object.entries(resumed.firstOffsets)) t.equal(first, mid.committed[k], `${k}: resumed exactly at the committed offset`)
  t.equal(resumed.records, Object.keys(mid.end).reduce((n, k) => n + mid.end[k] - mid.committed[k], 0), 'read each record after the offsets once, none before')
  await r.store.logWriter!.flush()
  const after = await offsets(r)
  t.same(after.committed, after.end, 'committed up to the end')
  await tablesMatchWorld(t, r.store, 'resumed writer')
  const tick = r.d.game.world.tick
  await again.detach() // this writer was attached by hand: stop it before the daemon stops

  // 4. Restart the daemon: the log is reopened with the same offsets, the writer resumes at them.
  await r.d.close()
  r = await start(dir, bus, 100)
  t.equal(r.store.world.tick, tick, 'world recovered at the same tick')
  t.equal(await lastLoggedTick(r.log()), tick, 'the log survived the restart')
  t.equal(r.report().mode, 'resume')
  t.same(r.report().committed, after.committed, 'the writer found its offsets')
  t.same(r.report().end, after.end, 'the log has the same ends')
  await ticks(r, 15)
  t.equal((await r.log().bounds('ticks', 0)).end, after.end['ticks/0'] + 15, 'new records continue the offsets')
  await r.d.close()
  const check = await Persistence.open({ data: dir, seed: SEED, size: SIZE })
  await tablesMatchWorld(t, check, 'after a restart and a graceful stop')
  await check.close()

  if (bus === 'embedded') {
    // 5. A crash between the journal commit and the log append leaves the log behind the journal:
    //    cut the log's last frames, as if their fsync never happened; the writer reconciles.
    r = await start(dir, bus, 60_000)
    await ticks(r, 5)
    await r.store.logWriter!.abort() // dies before writing these ticks
    const logDir = r.store.eventLogDir()
    await r.d.close()
    cutLastTick(logDir)
    r = await start(dir, bus, 60_000)
    t.equal(r.report().mode, 'reconcile', `reconciled: ${r.report().reason}`)
    t.ok((r.report().lastLoggedTick ?? 0) < r.report().worldTick, 'the log ended before the journal head')
    t.ok(r.report().reconciled!.chunks > 0, `rewrote the chunks that differed (${r.report().reconciled!.chunks})`)
    const o = await offsets(r)
    t.same(o.committed, o.end, 'and set its offsets to the log end')
    await tablesMatchWorld(t, r.store, 'reconciled')
    await ticks(r, 5)
    await r.d.close()
  }
}

/** Truncates the newest WAL segment at the last `ticks` record: that tick's records never reached the log. */
function cutLastTick(logDir: string): void {
  const seg = join(logDir, readdirSync(logDir).filter((f) => f.startsWith('wal-')).sort().at(-1)!)
  const b = readFileSync(seg)
  let at = 0, lastTick = -1
  while (at + 8 <= b.length) {
    const len = b.readUInt32BE(at)
    const tl = b.readUInt8(at + 8)
    if (b.toString('utf8', at + 9, at + 9 + tl) === 'ticks') lastTick = at
    at += 8 + len
  }
  truncateSync(seg, lastTick)
}

t.test('embedded durable log', (t) => suite(t, 'embedded'))

t.test('NATS JetStream', async (t) => {
  if (!(await requireOrSkip(t, 'nats', natsUp, `no NATS server at ${NATS_URL}`))) return
  const ns = `tw${process.pid}${Math.random().toString(36).slice(2, 7)}`
  process.env.HEXD_BUS_NAMESPACE = ns
  t.teardown(async () => {
    delete process.env.HEXD_BUS_NAMESPACE
    const { NatsBackend } = await import('../../src/bus/nats.ts')
    const be = await NatsBackend.connect(NATS_URL, { namespace: ns })
    await be.destroyNamespace()
    await be.close()
  })
  await suite(t, NATS_URL)
})
