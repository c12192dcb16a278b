// The daemon's ZeroMQ face, driven by ZeroMQ clients in separate processes: the Node example from
// docs/MESSAGING.md exactly as written (REQ + SUB), the Python (pyzmq) one, and a client sending bad frames.
import t, { type Test } from 'tap'
import { spawn } from 'node:child_process'
import { readFileSync, writeFileSync, rmSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import pino from 'pino'
import { startDaemon, type Daemon } from '../../src/daemon/daemon.ts'
import { DEFAULTS } from '../../src/daemon/config.ts'
import { requireOrSkip } from '../helpers/require.ts'

const here = fileURLToPath(new URL('.', import.meta.url))

/** Runs a node script in a separate process (the ZeroMQ peer), collecting its output. */
function run(file: string, args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; out: string; err: string }> {
  return runCmd(process.execPath, [file, ...args], env)
}

function runCmd(cmd: string, args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve, reject) => {
    const c = spawn(cmd, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
    let out = '', err = ''
    c.stdout.on('data', (d) => { out += d })
    c.stderr.on('data', (d) => { err += d })
    const timer = setTimeout(() => c.kill('SIGKILL'), 30_000)
    c.on('error', reject)
    c.on('exit', (code) => { clearTimeout(timer); resolve({ code, out, err }) })
  })
}

async function daemon(t: Test): Promise<Daemon> {
  const d = await startDaemon({ ...DEFAULTS, compute: 'js', port: 0, size: 16, ups: 20, zmqRep: 'tcp://127.0.0.1:*', zmqPub: 'tcp://127.0.0.1:*', log: pino({ level: 'silent' }) })
  t.teardown(() => d.close())
  return d
}
type Health = { zmq_rep: string; zmq_pub: string; tick: number; bus: string }
const health = async (d: Daemon) => (await (await fetch(d.url + '/healthz')).json()) as Health

t.test('the Node example from docs/MESSAGING.md works as written against the daemon', async (t) => {
  const d = await daemon(t)
  const h = await health(d)
  t.match(h.zmq_rep, /^tcp:\/\/127\.0\.0\.1:\d+$/)
  const doc = readFileSync(new URL('../../docs/MESSAGING.md', import.meta.url), 'utf8')
  const m = /<!-- node-example -->\s*```js\n([\s\S]*?)```/.exec(doc)
  t.ok(m, 'the doc has the marked Node example')
  // Written inside the repo so that `import 'zeromq'` resolves as it does for a user in the checkout.
  const file = `${here}fixtures/.doc-example-${process.pid}.mjs`
  writeFileSync(file, m![1])
  t.teardown(() => rmSync(file, { force: true }))
  const r = await run(file, [], { HEXD_ZMQ_REP: h.zmq_rep, HEXD_ZMQ_PUB: h.zmq_pub })
  t.equal(r.code, 0, `example exits 0 ${r.err}`)
  const lines = r.out.trim().split('\n')
  t.match(lines[0], /^world main tick \d+ chunks 12$/)
  t.match(lines[1], /^joined as player \w+ at cell \d+$/)
  t.match(lines[2], /^chunk 0: \d+ cells at tick \d+$/)
  const claim = JSON.parse(lines[3].replace(/^claim: /, ''))
  t.equal(claim.length, 1)
  t.type(claim[0].ok, 'boolean', 'the action got its outcome after the commit')
  t.match(lines[4], /"code":"HEXD_MSG_BAD_REQUEST".*"field":"op"/)
  t.ok(lines.some((l) => /^event tick tick \d+$/.test(l)), 'SUB received a tick event')
  t.ok(lines.some((l) => /^event chunk\.\d+ tick \d+$/.test(l)), 'SUB received a chunk event')
  // The player joined over ZeroMQ shows up in the world, and stats counted the claim.
  t.equal(d.game.info().players >= 1, true)
  let stats: any
  for (let i = 0; i < 50; i++) {
    stats = await (await fetch(d.url + '/api/stats')).json()
    if (Object.keys(stats.players).length > 0) break
    await new Promise((r) => setTimeout(r, 50))
  }
  const p = Object.values(stats.players)[0] as { actions: { byType: Record<string, number> } }
  t.ok(p.actions.byType.claim >= 1, 'GET /api/stats counts the claim made over ZeroMQ')
})

/** A python3 that can import zmq: the one on PATH, else Debian's (python3-zmq). */
async function pythonWithZmq(): Promise<string | null> {
  for (const py of ['python3', '/usr/bin/python3']) {
    const ok = await new Promise<boolean>((resolve) => {
      const c = spawn(py, ['-c', 'import zmq'], { stdio: 'ignore' })
      c.on('error', () => resolve(false))
      c.on('exit', (code) => resolve(code === 0))
    })
    if (ok) return py
  }
  return null
}

t.test('the Python (pyzmq) example from docs/MESSAGING.md works as written', async (t) => {
  const py = await pythonWithZmq()
  if (!(await requireOrSkip(t, 'pyzmq', py !== null, 'no python3 with the zmq module (pip install pyzmq, or apt-get install python3-zmq)'))) return
  const d = await daemon(t)
  const h = await health(d)
  const doc = readFileSync(new URL('../../docs/MESSAGING.md', import.meta.url), 'utf8')
  const m = /<!-- python-example -->\s*```python\n([\s\S]*?)```/.exec(doc)
  t.ok(m, 'the doc has the marked Python example')
  const r = await runCmd(py!, ['-c', m![1]], { HEXD_ZMQ_REP: h.zmq_rep, HEXD_ZMQ_PUB: h.zmq_pub })
  t.equal(r.code, 0, `example exits 0 ${r.err}`)
  const lines = r.out.trim().split('\n')
  t.match(lines[0], /^world main tick \d+ chunks 12$/)
  t.match(lines[1], /^joined as player \w+$/)
  t.match(lines[2], /^chunk 0: \d+ cells at tick \d+$/)
  t.match(lines[3], /^claim: \[\{'ok': (True|False)/, 'the action got its outcome')
  t.match(lines[4], /HEXD_MSG_BAD_REQUEST/)
  t.ok(lines.some((l) => /^event tick tick \d+$/.test(l)), 'SUB received a tick event')
  t.ok(lines.some((l) => /^event chunk\.\d+ tick \d+$/.test(l)), 'SUB received a chunk event')
})

t.test('bad frames get error replies and leave the daemon serving', async (t) => {
  const d = await daemon(t)
  const h = await health(d)
  const r = await run(`${here}fixtures/bad-client.mjs`, [h.zmq_rep])
  t.equal(r.code, 0, r.err)
  const replies = Object.fromEntries(r.out.trim().split('\n').map((l) => JSON.parse(l)).map((x) => [x.case, x.reply]))
  t.equal(replies['not-json'].error.code, 'HEXD_MSG_BAD_REQUEST')
  t.equal(replies['not-object'].error.code, 'HEXD_MSG_BAD_REQUEST')
  t.equal(replies['unknown-op'].error.field, 'op')
  t.match(replies['unknown-op'].error.message, /explode/)
  t.equal(replies.oversize.error.code, 'HEXD_MSG_TOO_LARGE')
  t.equal(replies['bad-chunk'].error.field, 'chunk')
  t.equal(replies['chunk-outside'].error.code, 'HEXD_BAD_CHUNK')
  t.equal(replies['action-no-token'].error.field, 'token')
  t.equal(replies.binary.error.code, 'HEXD_MSG_BAD_REQUEST')
  t.equal(replies['wrong-token'].error.code, 'HEXD_UNAUTHORIZED')
  t.equal(replies['world-after'].name, 'main', 'still answering after the bad frames')
  const before = (await health(d)).tick
  await new Promise((r) => setTimeout(r, 300))
  t.ok((await health(d)).tick > before, 'still ticking')
})

t.test('--no-zmq equivalent: no sockets, the daemon runs', async (t) => {
  const d = await startDaemon({ ...DEFAULTS, compute: 'js', port: 0, size: 16, zmqRep: 'none', zmqPub: 'none', log: pino({ level: 'silent' }) })
  t.teardown(() => d.close())
  const h = await health(d)
  t.equal(h.zmq_rep, null)
  t.equal(h.zmq_pub, null)
  t.equal(h.bus, 'embedded')
})

t.test('--bus nats: the daemon appends its ticks to JetStream and analytics reads them back', async (t) => {
  const { natsUp, NATS_URL } = await import('../bus/backends.ts')
  const { requireOrSkip } = await import('../helpers/require.ts')
  if (!(await requireOrSkip(t, 'nats', natsUp, `no NATS server at ${NATS_URL}`))) return
  const ns = `tdaemon${process.pid}`
  process.env.HEXD_BUS_NAMESPACE = ns
  const d = await startDaemon({ ...DEFAULTS, compute: 'js', port: 0, size: 16, ups: 20, bus: NATS_URL, zmqRep: 'none', zmqPub: 'none', log: pino({ level: 'silent' }) })
  delete process.env.HEXD_BUS_NAMESPACE
  t.teardown(async () => {
    await d.close()
    const { NatsBackend } = await import('../../src/bus/nats.ts')
    const be = await NatsBackend.connect(NATS_URL, { namespace: ns })
    await be.destroyNamespace(); await be.close()
  })
  const h = await health(d)
  t.equal(h.bus, 'nats')
  let stats: any
  for (let i = 0; i < 100; i++) {
    stats = await (await fetch(d.url + '/api/stats')).json()
    if (stats.tick >= 3) break
    await new Promise((r) => setTimeout(r, 50))
  }
  t.equal(stats.bus.backend, 'nats')
  t.ok(stats.bus.records > 0 && stats.bus.appendErrors === 0, 'ticks appended to JetStream')
  t.ok(stats.tick >= 3, 'the analytics consumer read ticks back from JetStream')
})

t.test('the daemon counts production per player and item (GET /api/stats, ZeroMQ stats) exactly as the engine does', async (t) => {
  const { World } = await import('../../src/engine/world.ts')
  const { factory } = await import('../../src/engine/scenarios/factory.ts')
  const world = new World({ seed: 42, size: 32 })
  world.step(factory.setup(world)) // the factory is built before the daemon starts ticking it
  const d = await startDaemon({ ...DEFAULTS, compute: 'js', port: 0, seed: 42, size: 32, ups: 60, world, zmqRep: 'tcp://127.0.0.1:*', zmqPub: 'none', log: pino({ level: 'silent' }) } as Parameters<typeof startDaemon>[0])
  t.teardown(() => d.close())
  const builder = world.playerList()[0].id
  let stats: any
  for (let i = 0; i < 200; i++) {
    stats = await (await fetch(d.url + '/api/stats')).json()
    if ((stats.items.iron_plate?.totals.produced ?? 0) >= 2) break
    await new Promise((r) => setTimeout(r, 50))
  }
  t.ok(stats.items.iron_plate?.totals.produced >= 2, 'iron plates were made')
  // Stop ticking, let the log and the analytics catch up, then compare with the engine's counters.
  await d.loop.stop()
  const truth = world.production()
  for (let i = 0; i < 100; i++) {
    stats = await (await fetch(d.url + '/api/stats')).json()
    if (stats.tick === world.tick) break
    await new Promise((r) => setTimeout(r, 30))
  }
  t.equal(stats.tick, world.tick, 'analytics caught up with the last tick')
  for (const [item, n] of Object.entries(truth)) {
    t.equal(stats.items[item]?.totals.produced, n, `${item}: ${n} in total`)
    t.equal(stats.players[builder]?.items[item]?.produced, n, `${item}: by the builder`)
  }
  const h = await health(d)
  const zmq = await import('zeromq')
  const req = new zmq.Request({ linger: 0, receiveTimeout: 5000 })
  req.connect(h.zmq_rep)
  await req.send(JSON.stringify({ op: 'stats' }))
  const [reply] = await req.receive()
  req.close()
  t.same(JSON.parse(reply.toString()).items, stats.items, 'the ZeroMQ stats op answers the same')
})
