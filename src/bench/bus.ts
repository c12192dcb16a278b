/**
 * `hexd bench bus`: the messaging layer against raw zeromq.js, and the event
 * log embedded vs NATS JetStream, all measured in the same run.
 *
 * - reqrep_sequential: one request in flight, tcp loopback. Baseline: raw
 *   zmq.Request ↔ zmq.Reply. hexd: ReqSocket ↔ RepSocket.
 * - reqrep_pipelined: `window` requests in flight. Baseline: raw zmq.Dealer ↔
 *   zmq.Router echoing envelopes. hexd: concurrent ReqSocket.request calls.
 * - pubsub: messages/s from publish to receipt of the last one. Baseline: raw
 *   zmq.Publisher → zmq.Subscriber. hexd: Publisher → Subscriber (tcp), and
 *   the inproc transport for reference.
 * - eventlog: appends/s (batches of 100) and consume/s (a consumer group
 *   polling and committing) for the embedded backend (in memory, and durable
 *   in segment files with an fsync per batch) and JetStream.
 * `ratio` = hexd / baseline (1.0 = no overhead; the goal is >= 0.8).
 *
 * @example
 * hexd bench bus --json --n 20000
 */
import * as zmq from 'zeromq'
import { ReqSocket, RepSocket, Publisher, Subscriber, InprocContext } from '../messaging/index.ts'
import { EmbeddedBackend, EventLog, MemoryOffsetStore, type LogBackend } from '../bus/index.ts'

export interface BusBenchOptions { n: number; window: number; nats?: string | null; runs?: number; log?: (msg: string) => void }

const rate = (n: number, ms: number) => Math.round((n / ms) * 1000)

/**
 * One run: messages/s (wall clock) and CPU µs per message (this process, all
 * threads, ZeroMQ's I/O threads included). On a shared, loaded machine the
 * CPU cost is the steadier measure of overhead; both are reported.
 */
interface Measure { rate: number; cpuUs: number }
const measured = (n: number, ms: number, cpu: NodeJS.CpuUsage): Measure => ({ rate: rate(n, ms), cpuUs: Math.round(((cpu.user + cpu.system) / n) * 100) / 100 })

/** Medians of `k` runs, baseline and hexd alternating (single runs are noisy). */
async function pair(k: number, base: () => Promise<Measure>, ours: () => Promise<Measure>): Promise<{ raw: Measure; hexd: Measure }> {
  const a: Measure[] = [], b: Measure[] = []
  for (let i = 0; i < k; i++) { a.push(await base()); b.push(await ours()) }
  const med = (xs: Measure[], f: (m: Measure) => number) => xs.map(f).sort((p, q) => p - q)[Math.floor(xs.length / 2)]
  return { raw: { rate: med(a, (m) => m.rate), cpuUs: med(a, (m) => m.cpuUs) }, hexd: { rate: med(b, (m) => m.rate), cpuUs: med(b, (m) => m.cpuUs) } }
}

const ratio = (a: number, b: number) => Math.round((a / b) * 1000) / 1000
/** The report row of one pair: rates, CPU per message, and hexd/raw ratios (rate: higher is better; cpu: lower is better). */
const row = (unit: string, p: { raw: Measure; hexd: Measure }) => ({
  unit, raw_zeromq: p.raw.rate, hexd: p.hexd.rate, ratio: ratio(p.hexd.rate, p.raw.rate),
  cpu_us_per_msg: { raw_zeromq: p.raw.cpuUs, hexd: p.hexd.cpuUs, ratio: ratio(p.hexd.cpuUs, p.raw.cpuUs) },
})

async function rawReqRepSequential(n: number): Promise<Measure> {
  const rep = new zmq.Reply({ linger: 0 }); await rep.bind('tcp://127.0.0.1:*')
  const req = new zmq.Request({ linger: 0 }); req.connect(rep.lastEndpoint!)
  void (async () => { try { for await (const [m] of rep) await rep.send(m) } catch { /* closed */ } })()
  const payload = Buffer.from('{"op":"ping","n":12345}')
  await req.send(payload); await req.receive() // warm
  const t0 = performance.now(), c0 = process.cpuUsage()
  for (let i = 0; i < n; i++) { await req.send(payload); await req.receive() }
  const ms = performance.now() - t0, cpu = process.cpuUsage(c0)
  req.close(); rep.close()
  return measured(n, ms, cpu)
}

async function hexdReqRepSequential(n: number): Promise<Measure> {
  const rep = await RepSocket.bind('tcp://127.0.0.1:*', (b) => b)
  const req = ReqSocket.connect(rep.endpoint, { timeoutMs: 10_000, retries: 0 })
  const payload = Buffer.from('{"op":"ping","n":12345}')
  await req.request(payload)
  const t0 = performance.now(), c0 = process.cpuUsage()
  for (let i = 0; i < n; i++) await req.request(payload)
  const ms = performance.now() - t0, cpu = process.cpuUsage(c0)
  req.close(); rep.close()
  return measured(n, ms, cpu)
}

async function rawReqRepPipelined(n: number, window: number): Promise<Measure> {
  const router = new zmq.Router({ linger: 0, sendHighWaterMark: 100_000, receiveHighWaterMark: 100_000 }); await router.bind('tcp://127.0.0.1:*')
  const dealer = new zmq.Dealer({ linger: 0, sendHighWaterMark: 100_000, receiveHighWaterMark: 100_000 }); dealer.connect(router.lastEndpoint!)
  void (async () => { try { for await (const frames of router) await router.send(frames) } catch { /* closed */ } })()
  const payload = Buffer.from('{"op":"ping","n":12345}')
  const empty = Buffer.alloc(0)
  const t0 = performance.now(), c0 = process.cpuUsage()
  let sent = 0, got = 0
  let wake = null as (() => void) | null
  const recv = (async () => { for await (const _ of dealer) { got++; if (wake) { const w = wake; wake = null; w() } if (got === n) return } })()
  // Keep `window` in flight: a reply opens the window again.
  while (sent < n) {
    if (sent - got >= window) { await new Promise<void>((r) => { wake = r }); continue }
    const id = Buffer.allocUnsafe(4); id.writeUInt32BE(sent++)
    await dealer.send([id, empty, payload])
  }
  await recv
  const ms = performance.now() - t0, cpu = process.cpuUsage(c0)
  dealer.close(); router.close()
  return measured(n, ms, cpu)
}

async function hexdReqRepPipelined(n: number, window: number): Promise<Measure> {
  const rep = await RepSocket.bind('tcp://127.0.0.1:*', (b) => b, { sendHighWaterMark: 100_000 })
  const req = ReqSocket.connect(rep.endpoint, { timeoutMs: 30_000, retries: 0, sendHighWaterMark: 100_000 })
  const payload = Buffer.from('{"op":"ping","n":12345}')
  await req.request(payload)
  const t0 = performance.now(), c0 = process.cpuUsage()
  let next = 0
  await Promise.all(Array.from({ length: window }, async () => { while (next < n) { next++; await req.request(payload) } }))
  const ms = performance.now() - t0, cpu = process.cpuUsage(c0)
  req.close(); rep.close()
  return measured(n, ms, cpu)
}

/** Publishes until the subscriber is live, then times n messages to the last receipt. */
async function pubsubRun(n: number, open: () => Promise<{ send: (i: number) => Promise<void>; recv: AsyncIterable<unknown>; close: () => void }>): Promise<Measure> {
  const s = await open()
  const it = s.recv[Symbol.asyncIterator]()
  // Warm-up: wait until a message gets through (ZeroMQ subscriptions are asynchronous).
  let live = false
  const warm = it.next().then(() => { live = true })
  while (!live) { await s.send(-1); await Promise.race([warm, new Promise((r) => setTimeout(r, 10))]) }
  // Drain any extra warm-up messages by sending a marker stream after: count only the n timed ones.
  const t0 = performance.now(), c0 = process.cpuUsage()
  let got = 0
  const done = (async () => { for (;;) { const r = await it.next(); if (r.done) return; const m = r.value as { body?: Buffer } | Buffer[]; const body = Array.isArray(m) ? m[1] : m.body!; if (body.length > 2 && ++got === n) return } })()
  for (let i = 0; i < n; i++) await s.send(i)
  await done
  const ms = performance.now() - t0, cpu = process.cpuUsage(c0)
  s.close()
  return measured(n, ms, cpu)
}

const pubBody = (i: number) => (i < 0 ? Buffer.from('w') : Buffer.from(`{"tick":${i},"chunk":42,"cells":[1,2,3]}`))

function rawPubSub(n: number) {
  return pubsubRun(n, async () => {
    const pub = new zmq.Publisher({ linger: 0, sendHighWaterMark: n * 2 }); await pub.bind('tcp://127.0.0.1:*')
    const sub = new zmq.Subscriber({ linger: 0, receiveHighWaterMark: n * 2 }); sub.connect(pub.lastEndpoint!); sub.subscribe('chunk.')
    return { send: (i) => pub.send(['chunk.42', pubBody(i)]), recv: sub, close: () => { pub.close(); sub.close() } }
  })
}

function hexdPubSub(n: number, url: string) {
  return pubsubRun(n, async () => {
    const context = new InprocContext()
    const pub = await Publisher.bind(url, { sendHighWaterMark: n * 2, context })
    const sub = Subscriber.connect(pub.endpoint, { topics: ['chunk.'], receiveHighWaterMark: n * 2, context })
    return { send: (i) => pub.publish('chunk.42', pubBody(i)), recv: sub, close: () => { pub.close(); sub.close() } }
  })
}

async function eventLogRun(backend: LogBackend, n: number): Promise<{ append_per_s: number; consume_per_s: number }> {
  const log = new EventLog(backend, { offsets: new MemoryOffsetStore() })
  await log.createTopic('bench', 4)
  const value = Buffer.from('{"tick":1,"chunk":42,"cells":[{"id":1,"item":3}]}')
  const batch = 100
  const t0 = performance.now()
  for (let i = 0; i < n; i += batch) await log.appendBatch('bench', Array.from({ length: Math.min(batch, n - i) }, (_, k) => ({ key: String(i + k), value })))
  const appendMs = performance.now() - t0
  const c = log.consumer('bench', 'bench', { batch: 500, pollMs: 500 })
  await c.open()
  const t1 = performance.now()
  let got = 0
  while (got < n) {
    const b = await c.poll()
    if (!b) break
    got += b.records.length
    await c.commit(b.partition, b.next)
  }
  const consumeMs = performance.now() - t1
  await c.close()
  return { append_per_s: rate(n, appendMs), consume_per_s: rate(got, consumeMs) }
}

/**
 * The durable embedded log (what `hexd serve` uses with a store) in a temporary directory: each
 * awaited batch of 100 is one group commit (one write + fdatasync), as one tick's records are.
 */
async function durableRun(n: number): Promise<Record<string, unknown>> {
  const { mkdtempSync, rmSync } = await import('node:fs')
  const { tmpdir } = await import('node:os')
  const { join } = await import('node:path')
  const { FileBackend } = await import('../bus/file.ts')
  const dir = mkdtempSync(join(tmpdir(), 'hexd-bench-log-'))
  try {
    const be = await FileBackend.open(dir)
    const r = await eventLogRun(be, n)
    const commits = be.stats.groupCommits
    await be.close()
    const t0 = performance.now()
    const again = await FileBackend.open(dir)
    const reopenMs = performance.now() - t0
    await again.close()
    return { ...r, group_commits: commits, reopen_ms: Math.round(reopenMs) }
  } finally { rmSync(dir, { recursive: true, force: true }) }
}

/** Runs every measurement; returns one JSON-ready report. */
export async function runBusBench(o: BusBenchOptions): Promise<Record<string, unknown>> {
  const say = o.log ?? (() => {})
  const n = o.n
  const k = o.runs ?? 3
  say('req/rep sequential'); const seq = await pair(k, () => rawReqRepSequential(n), () => hexdReqRepSequential(n))
  say('req/rep pipelined'); const pip = await pair(k, () => rawReqRepPipelined(n, o.window), () => hexdReqRepPipelined(n, o.window))
  say('pub/sub'); const ps = await pair(k, () => rawPubSub(n * 5), () => hexdPubSub(n * 5, 'tcp://127.0.0.1:*'))
  const inproc = await hexdPubSub(n * 5, 'inproc://bench')
  say('event log embedded'); const emb = await eventLogRun(new EmbeddedBackend(), n * 5)
  say('event log embedded, durable (segment files, fsync per group commit)')
  const dur = await durableRun(n * 5)
  let js: Record<string, unknown> | null = null
  if (o.nats) {
    say(`event log JetStream at ${o.nats}`)
    try {
      const { NatsBackend } = await import('../bus/nats.ts')
      const be = await NatsBackend.connect(o.nats, { namespace: `bench${process.pid}`, storage: 'file' })
      try { js = await eventLogRun(be, n) } finally { await be.destroyNamespace(); await be.close() }
    } catch (err) { js = { error: (err as Error).message } }
  }
  return {
    area: 'bus',
    n, window: o.window, runs: k, note: 'medians of `runs` alternating runs; tcp loopback; client and server in this process',
    reqrep_sequential: row('round trips/s', seq),
    reqrep_pipelined: row('round trips/s', pip),
    pubsub: { ...row('messages/s', ps), messages: n * 5, hexd_inproc: inproc.rate },
    eventlog: { unit: 'records/s', embedded: { records: n * 5, ...emb }, embedded_durable: { records: n * 5, ...dur }, jetstream: js === null ? 'skipped (no --nats)' : { records: n, ...js } },
  }
}
