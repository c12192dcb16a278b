// `hexd serve` as a process: starts with no set-up, serves /healthz, and on SIGTERM drains clients and exits 0; bad options exit 64.
import t from 'tap'
import { once } from 'node:events'
import { WebSocket } from 'ws'
import { readFileSync } from 'node:fs'
import { HEXD, spawnServe } from '../helpers/hexd-serve.ts'
import { HEXD_NODE_FLAGS, HEXD_SHEBANG } from '../../src/daemon/node-flags.ts'

// HEXD_STORE=memory: these tests are about the daemon, not persistence (test/store/daemon.test.ts runs
// serve with its store), and must not share ./.hexd with other tests running at the same time.
const serve = (args: string[], env: Record<string, string> = {}) => spawnServe(args, { env: { HEXD_STORE: process.env.HEXD_STORE ?? 'memory', ...env } })

t.test('starts with no set-up, reports health, drains on SIGTERM and exits 0', async (t) => {
  const s = serve(['--port', '0', '--size', '16', '--no-zmq'], { HEXD_UPS: '25' })
  const url = await s.listening
  const health = await (await fetch(url + '/healthz')).json()
  t.match(health, { status: 'ok', durability: 'memory', ups_target: 25 }, 'env HEXD_UPS applied; memory journal said plainly')
  const ws = new WebSocket(url.replace('http', 'ws') + '/socket/websocket?vsn=2.0.0')
  await once(ws, 'open')
  ws.send(JSON.stringify(['1', '1', 'world:main', 'phx_join', { name: 'ann' }]))
  await once(ws, 'message')
  const closed = once(ws, 'close')
  const exited = once(s.child, 'exit')
  s.child.kill('SIGTERM')
  const [code] = await closed
  t.equal(code, 1001, 'clients are closed with 1001 going away')
  const [exitCode] = await exited
  t.equal(exitCode, 0, 'exit 0')
  t.ok(s.lines.some((l) => l.msg === 'stopped'), 'logs that it stopped')
  t.ok(s.lines.every((l) => typeof l.level === 'number'), 'every stderr line is pino JSON')
  const listening = s.lines.find((l) => l.msg === 'listening')!
  t.ok((listening.node_flags as string[]).includes('--max-semi-space-size=64'), 'started through bin/hexd, node got its flags (the listening line says which)')
  t.equal(listening.socket_writer, process.env.HEXD_NATIVE_DISABLE === '1' ? 'inline' : 'native', 'the listening line names the socket writer in effect')
  t.same(listening.v8_flags, ['--no-allocation-site-pretenuring', '--heap-growing-percent=200'], 'the old-generation policy is applied, and the listening line says how')
})

t.test('without the native addon the socket writes stay on the event loop, with a warning', async (t) => {
  const s = serve(['--port', '0', '--size', '16', '--no-zmq', '--compute', 'js'], { HEXD_NATIVE_DISABLE: '1' })
  const url = await s.listening
  const ws = new WebSocket(url.replace('http', 'ws') + '/socket/websocket?vsn=2.0.0')
  await once(ws, 'open')
  ws.send(JSON.stringify(['1', '1', 'world:main', 'phx_join', { name: 'bo' }]))
  const [reply] = await once(ws, 'message')
  t.match(String(reply), /phx_reply/, 'the join is answered, written inline')
  t.equal(s.lines.find((l) => l.msg === 'listening')!.socket_writer, 'inline')
  t.ok(s.lines.some((l) => /socket writer: inline \(.*HEXD_NATIVE_DISABLE/.test(String(l.msg))), 'and says why')
  ws.close()
  const exited = once(s.child, 'exit')
  s.child.kill('SIGTERM')
  t.equal((await exited)[0], 0)
})

t.test("bin/hexd's shebang gives node the flags the benchmarks use (src/daemon/node-flags.ts)", async (t) => {
  t.equal(readFileSync(HEXD, 'utf8').split('\n', 1)[0], HEXD_SHEBANG)
  t.same(HEXD_NODE_FLAGS, ['--max-semi-space-size=64'])
})

t.test('bad options are refused with a message naming them, exit 64', async (t) => {
  for (const [args, env, re] of [
    [['--ups', '0'], {}, /ups \(--ups\) must be an integer from 1 to 60, got "0"/],
    [['--port', 'abc'], {}, /port \(--port\) must be an integer/],
    [[], { HEXD_SIZE: '0' }, /size \(HEXD_SIZE\) must be an integer from 1/],
  ] as Array<[string[], Record<string, string>, RegExp]>) {
    const s = serve(args, env)
    const [code] = await once(s.child, 'exit')
    t.equal(code, 64, `${args.join(' ')} ${JSON.stringify(env)}: exit 64`)
    t.match(s.stderr(), re)
  }
})
