// The region and its rings: echo through every sync × compute mode (with and
// without spin), frames wrapping around a small ring, zero-copy state views,
// a full ring, bad regions, a missing worker binary, sync selection.
import t from 'tap'
import { REQ, readStatePayload } from '../../src/native/protocol.ts'
import { RegionChannel } from '../../src/native/region.ts'
import { Supervisor } from '../../src/native/supervisor.ts'
import { chooseSync } from '../../src/native/sync.ts'
import { loadNative } from '../../src/native/addon.ts'
import { HexdError } from '../../src/errors.ts'
import { COMPUTES, SYNCS, nativeOrSkip, openChannel } from './helpers.ts'

if (nativeOrSkip(t)) {
  for (const compute of COMPUTES) for (const sync of SYNCS) for (const spinNs of [0, 20000]) {
    t.test(`echo ${compute} ${sync} spin=${spinNs}`, async (t) => {
      const { ch, close } = await openChannel(compute, { stateBytes: 4096, sync, spinNs, ringBytes: 4096 })
      try {
        // Sizes chosen so frames wrap around the 4 KiB ring many times.
        for (let i = 0; i < 300; i++) {
          const len = (i * 37) % 700
          const p = new Uint8Array(len).map((_, k) => (k * 7 + i) & 255)
          const r = await ch.request(REQ.PING, p)
          if (Buffer.compare(r.payload, Buffer.from(p)) !== 0) { t.fail(`echo ${i} (${len} bytes) differs`); return }
        }
        // Several requests in flight at once come back matched to their callers.
        const many = await Promise.all(Array.from({ length: 40 }, (_, i) => ch.request(REQ.PING, new Uint8Array([i]))))
        t.same(many.map((f) => f.payload[0]), Array.from({ length: 40 }, (_, i) => i))
        t.equal(ch.info().sync, sync)
      } finally { await close() }
    })
  }

  t.test('the state area is shared with the worker, not copied', async (t) => {
    for (const compute of COMPUTES) {
      const { ch, close } = await openChannel(compute, { stateBytes: 1 << 20 })
      const view = new Uint8Array(ch.state)
      t.equal(view.byteLength, 1 << 20)
      view.set([9, 8, 7, 6], 123456)
      const r = await ch.request(REQ.READ_STATE, readStatePayload(123456, 4))
      t.same([...r.payload], [9, 8, 7, 6], `${compute}: the worker sees bytes written through the JS view`)
      await t.rejects(ch.request(REQ.READ_STATE, readStatePayload((1 << 20) - 2, 4)), { code: 'HEXD_NATIVE_REQUEST' }, 'out-of-range read is refused')
      await t.rejects(ch.request(999), { code: 'HEXD_NATIVE_REQUEST', message: /request type 999 is not known|unknown request type 999/ })
      await close()
    }
  })

  t.test('a full request ring refuses cleanly and loses nothing', async (t) => {
    const ch = RegionChannel.create({ stateBytes: 4096, ringBytes: 4096 })
    const sent: Array<Promise<{ payload: Buffer }>> = []
    let full: unknown
    for (let i = 0; i < 1000 && !full; i++) {
      try { sent.push(ch.request(REQ.PING, new Uint8Array(100).fill(i & 255))) } catch (e) { full = e }
      await Promise.race([sent[sent.length - 1]?.catch((e) => { full = e }), Promise.resolve()])
    }
    t.ok(full instanceof HexdError && full.code === 'HEXD_RING_FULL', 'HEXD_RING_FULL once the ring has no room')
    t.ok(sent.length > 5 && sent.length < 1000)
    const okOnes = sent.slice(0, -1)
    ch.startThreadWorker()  // a worker arrives: everything accepted before is answered intact
    const got = await Promise.all(okOnes)
    t.ok(got.every((f, i) => f.payload.length === 100 && f.payload.every((b) => b === (i & 255))))
    await t.rejects(ch.request(REQ.PING, new Uint8Array(5000)), { code: 'HEXD_RING_FULL', message: /can never fit/ })
    ch.close()
  })

  t.test('a worker refuses a region with a wrong magic or layout version', async (t) => {
    const ch = RegionChannel.create({ stateBytes: 4096, layoutVersion: 7 })
    const sup = new Supervisor(ch, { layoutVersion: 8 })
    await sup.start()
    await t.rejects(ch.request(REQ.PING), { code: 'HEXD_NATIVE_BAD_REGION', message: /layout version 7, expected 8/ })
    t.equal(sup.restarts, 0, 'no restart loop on a bad region')
    await t.rejects(ch.request(REQ.PING), { code: 'HEXD_NATIVE_BAD_REGION' }, 'later requests fail at once too')
    ch.close()

    const ch2 = RegionChannel.create({ stateBytes: 4096 })
    const hdr = new Uint32Array(ch2.native.headerBuffer())
    const saved = hdr[0]
    hdr[0] = 0xdeadbeef
    const sup2 = new Supervisor(ch2)
    await sup2.start()
    await t.rejects(ch2.request(REQ.PING), { code: 'HEXD_NATIVE_BAD_REGION', message: /bad region magic/ })
    t.equal(hdr[0], 0xdeadbeef, 'the worker wrote nothing into the region it refused')
    hdr[0] = saved
    ch2.close()
  })

  t.test('a missing worker binary is a clear error', async (t) => {
    const ch = RegionChannel.create({ stateBytes: 4096 })
    process.env.HEXD_WORKER_BIN = '/nonexistent/hexd-worker'
    try {
      t.throws(() => new Supervisor(ch).start(), { code: 'HEXD_NATIVE_UNAVAILABLE', message: /not found or not executable: \/nonexistent\/hexd-worker/ })
    } finally {
      delete process.env.HEXD_WORKER_BIN
      ch.close()
    }
  })

  t.test('sync selection', async (t) => {
    const n = loadNative()
    if (!n.ok) return
    t.equal(chooseSync(n.addon, 'auto'), 'futex', 'futex first when the kernel has it')
    t.equal(chooseSync(n.addon, 'eventfd'), 'eventfd')
    t.throws(() => chooseSync(n.addon, 'carrier-pigeon' as never), { code: 'HEXD_BAD_OPTION', message: /--sync must be one of auto, futex, eventfd, signal, got "carrier-pigeon"/ })
  })
}
