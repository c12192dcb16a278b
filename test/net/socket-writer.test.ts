// The native socket writer thread (src/net/socket-writer.ts, src/native/cc/socket_writer.cc) on
// real loopback TCP sockets: bytes leave in call order (its own writes and the socket's patched
// write/end alike), a full send buffer keeps the rest in a backlog, end() waits for the queue,
// closed and reset sockets are let go, and slots are reused.
import t, { type Test } from 'tap'
import { createServer, connect, type Server, type Socket } from 'node:net'
import { once } from 'node:events'
import { randomBytes } from 'node:crypto'
import { loadNative } from '../../src/native/addon.ts'
import { SocketWriter } from '../../src/net/socket-writer.ts'
import { requireOrSkip } from '../helpers/require.ts'
import { resolveConfig } from '../../src/daemon/config.ts'

const native = loadNative()
if (!native.ok) await requireOrSkip(t, 'native', false, native.reason)

/** A connected pair: `server` is the accepted side (the one adopted), `client` the peer. */
async function pair(t: Test): Promise<{ server: Socket; client: Socket }> {
  const srv: Server = createServer()
  srv.listen(0, '127.0.0.1')
  await once(srv, 'listening')
  const accepted = once(srv, 'connection') as Promise<[Socket]>
  const client = connect((srv.address() as { port: number }).port, '127.0.0.1')
  const [server] = await accepted
  await once(client, 'connect').catch(() => {})
  // Resets are part of the tests: an 'error' event is expected, not a failure.
  server.on('error', () => {})
  client.on('error', () => {})
  t.teardown(() => { client.destroy(); server.destroy(); srv.close() })
  return { server, client }
}

/** Everything `client` receives until it ends or `bytes` arrived. */
function collect(client: Socket, bytes = Infinity): Promise<Buffer> {
  const parts: Buffer[] = []
  let n = 0
  return new Promise((resolve) => {
    const done = () => resolve(Buffer.concat(parts))
    client.on('data', (d: Buffer) => { parts.push(d); n += d.length; if (n >= bytes) done() })
    client.on('end', done)
    client.on('close', done)
  })
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

if (native.ok) {
  t.test('bytes leave in call order, through a full send buffer and back', async (t) => {
    const { writer } = SocketWriter.create()
    t.ok(writer, 'the native writer is available')
    t.teardown(() => writer!.stop())
    const { server, client } = await pair(t)
    const link = writer!.adopt(server)!
    t.ok(link, 'adopted')
    t.equal(writer!.adopted, 1)
    client.pause() // the receiver reads nothing: the send buffer fills and the rest waits in the backlog
    const expected: Buffer[] = []
    for (let i = 0; i < 400; i++) {
      const b = randomBytes(i % 7 === 0 ? 400_000 : 1 + (i * 37) % 900)
      expected.push(b)
      // Alternate the link and the socket's own (patched) write: one queue, one order.
      if (i % 3 === 0) server.write(b)
      else link.write(b)
    }
    const total = expected.reduce((n, b) => n + b.length, 0)
    let pending = 0
    for (let k = 0; k < 50 && pending === 0; k++) { await sleep(10); pending = link.pending() }
    t.ok(pending > 0, `bytes wait while the peer does not read (${pending} pending)`)
    t.equal(server.writableLength, 0, 'nothing queued on the event loop side')
    const got = collect(client, total)
    client.resume()
    const buf = await got
    t.equal(buf.length, total, 'every byte arrived')
    t.ok(buf.equals(Buffer.concat(expected)), 'in call order')
    for (let k = 0; k < 100 && link.pending() !== 0; k++) await sleep(5)
    t.equal(link.pending(), 0, 'nothing pending once sent')
  })

  t.test('end() waits for the queue, then the peer sees everything and the end', async (t) => {
    const { writer } = SocketWriter.create()
    t.teardown(() => writer!.stop())
    const { server, client } = await pair(t)
    const link = writer!.adopt(server)!
    client.pause()
    const big = randomBytes(3 << 20)
    link.write(big)
    server.end(Buffer.from('tail'))
    await sleep(50)
    const got = collect(client)
    client.resume()
    const buf = await got
    t.equal(buf.length, big.length + 4)
    t.ok(buf.subarray(0, big.length).equals(big), 'the queued bytes first')
    t.equal(buf.subarray(big.length).toString(), 'tail', 'then the chunk given to end()')
    await once(server, 'close')
    t.equal(writer!.adopted, 0, 'the link is dropped when the socket closes')
  })

  t.test('a destroyed socket closes for the peer; a reset peer fails the slot without a crash', async (t) => {
    const { writer } = SocketWriter.create()
    t.teardown(() => writer!.stop())
    const a = await pair(t)
    const la = writer!.adopt(a.server)!
    a.client.pause()
    la.write(randomBytes(4 << 20))
    const closed = once(a.client, 'close')
    a.server.destroy()
    a.client.resume()
    await closed
    t.pass('the peer saw the close although bytes were pending (the dup is closed on detach)')
    t.equal(la.pending(), 0, 'a closed link reports nothing pending')

    const b = await pair(t)
    const lb = writer!.adopt(b.server)!
    b.client.resetAndDestroy()
    await once(b.client, 'close')
    await sleep(20)
    for (let i = 0; i < 50; i++) lb.write(randomBytes(60_000))
    for (let k = 0; k < 100 && lb.pending() !== 0; k++) await sleep(5)
    t.equal(lb.pending(), 0, 'the failed slot dropped its bytes')
  })

  t.test('many sockets each get their own bytes; slots are reused after a close', async (t) => {
    const { writer } = SocketWriter.create({ capacity: 64 })
    t.teardown(() => writer!.stop())
    const pairs = await Promise.all(Array.from({ length: 40 }, () => pair(t)))
    const links = pairs.map((p) => writer!.adopt(p.server)!)
    t.ok(links.every(Boolean), 'all adopted')
    const want = pairs.map(() => [] as Buffer[])
    for (let round = 0; round < 30; round++) {
      for (let i = 0; i < pairs.length; i++) {
        const b = Buffer.from(`s${i}r${round};`)
        want[i].push(b)
        links[i].write(b)
      }
    }
    const got = await Promise.all(pairs.map((p, i) => collect(p.client, Buffer.concat(want[i]).length)))
    t.ok(got.every((g, i) => g.equals(Buffer.concat(want[i]))), 'each socket received exactly its own bytes, in order')
    // Close half, then adopt new sockets: they take the freed slots and still get only their own bytes.
    for (const p of pairs.slice(0, 20)) { p.server.destroy(); await once(p.server, 'close') }
    t.equal(writer!.adopted, 20)
    await sleep(20)
    const fresh = await Promise.all(Array.from({ length: 20 }, () => pair(t)))
    const fl = fresh.map((p) => writer!.adopt(p.server)!)
    t.ok(fl.every(Boolean), 'adopted again within the capacity of 64')
    fl.forEach((l, i) => l.write(Buffer.from(`fresh${i}`)))
    const fg = await Promise.all(fresh.map((p, i) => collect(p.client, `fresh${i}`.length)))
    t.same(fg.map(String), fresh.map((_, i) => `fresh${i}`))
  })

  t.test('stop() still sends what was queued before it', async (t) => {
    const { writer } = SocketWriter.create()
    const { server, client } = await pair(t)
    const link = writer!.adopt(server)!
    const got = collect(client, 5)
    link.write(Buffer.from('bye: '))
    writer!.stop()
    t.equal((await got).toString(), 'bye: ')
    link.write(Buffer.from('late'))
    t.equal(link.pending(), 0, 'a stopped writer takes nothing more')
  })

  t.test('adopt declines what it cannot take', async (t) => {
    const { writer } = SocketWriter.create({ capacity: 1 })
    const { server } = await pair(t)
    const second = await pair(t)
    t.ok(writer!.adopt(server), 'the first socket')
    t.equal(writer!.adopt(second.server), null, 'full: the caller writes inline')
    t.equal(writer!.adopt({ writableLength: 0 } as unknown as Socket), null, 'no fd (not a TCP socket)')
    writer!.stop()
    const third = await pair(t)
    t.equal(writer!.adopt(third.server), null, 'stopped')
    t.throws(() => SocketWriter.create({ capacity: 0 }), /capacity must be an integer from 1 to 16777216, got 0/, 'a bad capacity is named')
  })
}

t.test('inline mode has no writer and says so', async (t) => {
  const r = SocketWriter.create({ mode: 'inline' })
  t.equal(r.writer, null)
  t.match(r.reason, /inline \(--socket-writer inline\)/)
})

t.test('--socket-writer: native by default, HEXD_SOCKET_WRITER, a bad value is named', async (t) => {
  t.equal(resolveConfig({}, {}).socketWriter, 'native')
  t.equal(resolveConfig({}, { HEXD_SOCKET_WRITER: 'inline' }).socketWriter, 'inline')
  t.equal(resolveConfig({ socketWriter: 'inline' }, {}).socketWriter, 'inline')
  t.throws(() => resolveConfig({ socketWriter: 'thread' }, {}), /socket-writer \(--socket-writer\) must be one of native, inline, got "thread"/)
})
