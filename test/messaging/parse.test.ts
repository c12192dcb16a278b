// Property tests for what parses untrusted input: request frames, endpoints, and the key → partition map.
import t from 'tap'
import fc from 'fast-check'
import { parseRequest, OPS, parseEndpoint } from '../../src/messaging/index.ts'
import { partitionOf } from '../../src/bus/index.ts'
import { HexdError } from '../../src/errors.ts'

t.test('parseRequest: any bytes give a known op or HEXD_MSG_BAD_REQUEST, never another failure', async (t) => {
  fc.assert(fc.property(fc.oneof(fc.uint8Array({ maxLength: 200 }).map((a) => Buffer.from(a)), fc.json().map((s) => Buffer.from(s)), fc.record({ op: fc.oneof(fc.constantFrom(...OPS), fc.string(), fc.integer()) }).map((o) => Buffer.from(JSON.stringify(o)))), (frame) => {
    try {
      const r = parseRequest(frame)
      return (OPS as readonly string[]).includes(r.op)
    } catch (err) {
      return err instanceof HexdError && err.code === 'HEXD_MSG_BAD_REQUEST' && (err.field === 'request' || err.field === 'op')
    }
  }), { numRuns: 2000 })
})

t.test('parseEndpoint: accepts exactly the three schemes; errors name the field', async (t) => {
  t.same(parseEndpoint('inproc://a.b'), { transport: 'inproc', name: 'a.b', url: 'inproc://a.b' })
  t.equal(parseEndpoint('tcp://127.0.0.1:*').transport, 'zmq')
  t.equal(parseEndpoint('tcp://[::1]:5555').transport, 'zmq')
  t.equal(parseEndpoint('ipc:///tmp/x.sock').transport, 'zmq')
  for (const bad of ['udp://x:1', 'tcp://host', 'tcp://h:99999', 'inproc://', 'nothing', '']) {
    t.throws(() => parseEndpoint(bad, 'zmq-rep'), { code: 'HEXD_MSG_BAD_ENDPOINT', field: 'zmq-rep' }, bad)
  }
})

t.test('partitionOf: in range, deterministic', async (t) => {
  fc.assert(fc.property(fc.string(), fc.integer({ min: 1, max: 64 }), (key, n) => {
    const p = partitionOf(key, n)
    return Number.isInteger(p) && p >= 0 && p < n && p === partitionOf(key, n)
  }))
  // Keys spread over partitions (chunk ids 0..9999 over 8 partitions: none empty, none hoarding).
  const counts = new Array(8).fill(0)
  for (let i = 0; i < 10000; i++) counts[partitionOf(String(i), 8)]++
  t.ok(counts.every((c) => c > 800 && c < 1700), `spread ${counts}`)
})
