// Request/reply through hexd's abstractions on every transport and both topologies.
import t from 'tap'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ReqSocket, RepSocket, Broker, InprocContext, SendQueue } from '../../src/messaging/index.ts'
import { HexdError } from '../../src/errors.ts'

const ipcPath = () => `ipc://${join(tmpdir(), `hexd-test-${process.pid}-${Math.random().toString(36).slice(2)}.sock`)}`

type Setup = { name: string; direct: () => string; hub: () => [string, string] }
const setups: Setup[] = [
  { name: 'inproc', direct: () => 'inproc://svc-' + Math.random(), hub: () => ['inproc://front-' + Math.random(), 'inproc://back-' + Math.random()] },
  { name: 'tcp', direct: () => 'tcp://127.0.0.1:*', hub: () => ['tcp://127.0.0.1:*', 'tcp://127.0.0.1:*'] },
  { name: 'ipc', direct: () => ipcPath(), hub: () => [ipcPath(), ipcPath()] },
]

for (const s of setups) {
  t.test(`${s.name}: direct req/rep, concurrent requests, errors stay replies`, async (t) => {
    const context = new InprocContext()
    const rep = await RepSocket.bind(s.direct(), async (req) => {
      const msg = JSON.parse(req.toString())
      if (msg.fail) throw new HexdError('HEXD_MSG_BAD_REQUEST', 'asked to fail', { field: 'fail' })
      await new Promise((r) => setTimeout(r, msg.delay ?? 0))
      return JSON.stringify({ echo: msg.n })
    }, { context, maxMessageBytes: 1000 })
    const req = ReqSocket.connect(rep.endpoint, { context, timeoutMs: 3000, retries: 0 })
    // 200 concurrent requests, replies out of order (later ones are faster): each gets its own answer.
    const replies = await Promise.all(Array.from({ length: 200 }, (_, n) => req.requestJson<{ echo: number }>({ n, delay: (200 - n) % 7 })))
    t.same(replies.map((r) => r.echo), Array.from({ length: 200 }, (_, n) => n))
    const err = await req.requestJson<{ error: { code: string; field: string } }>({ fail: true })
    t.equal(err.error.code, 'HEXD_MSG_BAD_REQUEST')
    t.equal(err.error.field, 'fail')
    const big = JSON.parse((await req.request('x'.repeat(1500))).toString())
    t.equal(big.error.code, 'HEXD_MSG_TOO_LARGE')
    t.same(await req.requestJson({ n: 7 }), { echo: 7 }, 'still serving after errors')
    req.close(); rep.close()
  })

  t.test(`${s.name}: hub-spoke through a broker, round-robin over workers`, async (t) => {
    const context = new InprocContext()
    const [f, b] = s.hub()
    const broker = await Broker.start({ frontend: f, backend: b, context })
    const workers = [1, 2].map((w) => RepSocket.connect(broker.backend, (req) => `${w}:${req}`, { context }))
    const req = ReqSocket.connect(broker.frontend, { context, timeoutMs: 3000, retries: 1 })
    // A worker's connection to the broker completes asynchronously: send rounds until both served.
    const byWorker = new Set<string>()
    let matched = true
    for (let round = 0; round < 50 && byWorker.size < 2; round++) {
      const out = await Promise.all(Array.from({ length: 40 }, (_, i) => req.request(String(i))))
      out.forEach((b, i) => { const [w, n] = b.toString().split(':'); byWorker.add(w); if (n !== String(i)) matched = false })
      if (byWorker.size < 2) await new Promise((r) => setTimeout(r, 20))
    }
    t.ok(matched, 'every reply matches its request')
    t.same([...byWorker].sort(), ['1', '2'], 'both workers served')
    req.close(); workers.forEach((w) => w.close()); broker.close()
  })

  t.test(`${s.name}: lazy pirate retries a lost attempt, then gives up with HEXD_MSG_TIMEOUT`, async (t) => {
    const context = new InprocContext()
    let seen = 0
    // Drops the first attempt of each request (never answers it), answers the retry.
    const rep = await RepSocket.bind(s.direct(), (req) => { seen++; return seen % 2 === 1 ? new Promise<string>(() => {}) : 'ok:' + req }, { context })
    const req = ReqSocket.connect(rep.endpoint, { context, timeoutMs: 300, retries: 2 })
    t.equal((await req.request('a')).toString(), 'ok:a')
    t.equal(req.stats.retries, 1)
    rep.close()
    const noServer = ReqSocket.connect(s.name === 'inproc' ? 'inproc://nobody' : s.name === 'tcp' ? 'tcp://127.0.0.1:1' : ipcPath(), { context, timeoutMs: 150, retries: 1 })
    const e = await noServer.request('x').catch((e) => e)
    t.equal(e.code, 'HEXD_MSG_TIMEOUT')
    t.equal(noServer.stats.retries, 1)
    req.close(); noServer.close()
  })
}

t.test('a plain ZeroMQ REQ socket talks to a RepSocket', async (t) => {
  const zmq = await import('zeromq')
  const rep = await RepSocket.bind('tcp://127.0.0.1:*', (b) => b.toString().toUpperCase())
  const raw = new zmq.Request({ linger: 0 })
  raw.connect(rep.endpoint)
  await raw.send('hello')
  const [r] = await raw.receive()
  t.equal(r.toString(), 'HELLO')
  raw.close(); rep.close()
})

t.test('SendQueue never overlaps sends and keeps order', async (t) => {
  let inFlight = 0, maxInFlight = 0
  const order: string[] = []
  const q = new SendQueue(async (frames) => {
    inFlight++; maxInFlight = Math.max(maxInFlight, inFlight)
    await new Promise((r) => setTimeout(r, 1))
    order.push(String(frames[0])); inFlight--
  })
  await Promise.all(Array.from({ length: 50 }, (_, i) => q.send([String(i)])))
  t.equal(maxInFlight, 1)
  t.same(order, Array.from({ length: 50 }, (_, i) => String(i)))
  q.close()
  await t.rejects(q.send(['late']), { code: 'HEXD_MSG_CLOSED' })
})

t.test('bad endpoints are refused with the field and value', async (t) => {
  t.throws(() => ReqSocket.connect('http://x'), { code: 'HEXD_MSG_BAD_ENDPOINT' })
  t.throws(() => ReqSocket.connect('tcp://nohost'), /needs HOST:PORT/)
})

t.test('a handler returning a non-bytes value gets HEXD_INTERNAL, the socket keeps serving', async (t) => {
  const context = new InprocContext()
  const rep = await RepSocket.bind('tcp://127.0.0.1:*', ((b: Buffer) => (b.toString() === 'bad' ? ({ not: 'bytes' } as unknown as string) : 'fine')), { context })
  const req = ReqSocket.connect(rep.endpoint, { context, timeoutMs: 2000, retries: 0 })
  t.equal(JSON.parse((await req.request('bad')).toString()).error.code, 'HEXD_INTERNAL')
  t.equal((await req.request('ok')).toString(), 'fine')
  req.close(); rep.close()
})

t.test('tcp: a retry reopening the socket does not lose the reply of another request in flight', async (t) => {
  let first = true
  const rep = await RepSocket.bind('tcp://127.0.0.1:*', async (b) => {
    const m = b.toString()
    if (m === 'lost' && first) { first = false; return new Promise<string>(() => {}) } // first attempt never answered
    if (m === 'slow') await new Promise((r) => setTimeout(r, 700))
    return 'ok:' + m
  })
  // 'lost' times out first and reopens the socket; 'slow' was sent on the old socket and its
  // (only timely) reply arrives there: the retiring socket still receives it.
  const req = ReqSocket.connect(rep.endpoint, { timeoutMs: 500, retries: 1 })
  const lost = req.request('lost')
  await new Promise((r) => setTimeout(r, 100))
  const slow = req.request('slow')
  t.equal((await lost).toString(), 'ok:lost', 'the lost request was retried')
  t.equal((await slow).toString(), 'ok:slow', 'the reply on the old socket was not lost')
  t.equal(req.stats.reconnects, 1, 'the socket was reopened once')
  req.close(); rep.close()
})
