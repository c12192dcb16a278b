// The tick loop: runs ticks, never overlaps them, stop() waits for the running tick, and a stalled loop skips instead of bursting.
import t from 'tap'
import net from 'node:net'
import { once } from 'node:events'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { TickLoop } from '../../src/daemon/tick-loop.ts'

t.test('runs ticks one at a time and stop waits for the running one', async (t) => {
  let running = 0, maxRunning = 0, finished = 0
  const loop = new TickLoop(50, async () => {
    running++; maxRunning = Math.max(maxRunning, running)
    await new Promise((r) => setTimeout(r, 5))
    running--; finished++
  })
  loop.start()
  while (finished < 5) await new Promise((r) => setTimeout(r, 10))
  await loop.stop()
  const after = finished
  t.equal(maxRunning, 1, 'ticks never overlap')
  t.equal(running, 0, 'stop resolved after the running tick finished')
  await new Promise((r) => setTimeout(r, 100))
  t.equal(finished, after, 'no tick after stop')
  t.ok(loop.measuredUps > 0, 'measured UPS is reported')
})

t.test('a stall is skipped, not replayed as a burst', async (t) => {
  let n = 0
  const loop = new TickLoop(100, () => {
    n++
    if (n === 2) { const end = Date.now() + 200; while (Date.now() < end) { /* stall ~20 periods */ } }
  })
  loop.start()
  while (n < 6) await new Promise((r) => setTimeout(r, 5))
  await loop.stop()
  t.ok(loop.skipped > 0, `skipped ${loop.skipped} ticks after the stall`)
  t.throws(() => new TickLoop(0, () => {}), RangeError, 'ups must be positive')
})

const busy = (ms: number) => { const end = performance.now() + ms; while (performance.now() < end) { /* busy */ } }

t.test('a due tick starts after the input already waiting was read', async (t) => {
  // A Unix socket, not TCP: its write lands in the peer's queue before write() returns, where a
  // loopback TCP segment may wait for softirq processing on a loaded machine (a flaky test).
  const path = join(mkdtempSync(join(tmpdir(), 'hexd-tick-')), 's')
  const server = net.createServer()
  await new Promise<void>((r) => server.listen(path, r))
  const accepted = once(server, 'connection')
  const client = net.connect(path)
  await once(client, 'connect')
  const [sock] = await accepted as [net.Socket]
  t.teardown(() => { client.destroy(); sock.destroy(); server.close() })
  let received = 0
  sock.on('data', (d: Buffer) => { received += d.length })
  const seen: number[] = []
  const loop = new TickLoop(20, () => {
    seen.push(received)
    if (seen.length > 1) return
    // The first tick overruns, so the next one is due at once: the loop's timer for it (1 ms) is
    // made right after this returns. This timer of the same length, made first, fires just before
    // it in the same timers phase, whatever the machine's load: a byte arrives and the loop stays
    // busy, so the byte waits unread in the socket when the next tick is due, as a thousand
    // clients' frames do after a long answer phase.
    busy(60)
    setTimeout(() => { client.write('x'); busy(5) }, 1)
  })
  loop.start()
  while (seen.length < 2) await new Promise((r) => setTimeout(r, 5))
  await loop.stop()
  t.equal(seen[0], 0, 'nothing had arrived before the first tick')
  t.equal(seen[1], 1, 'the overdue tick ran after the byte that arrived before it was due had been read')
  // Tick 2 was due at 100 ms; tick 1 started at >= 50 and ran 60: it started >= 10 ms late.
  t.ok(loop.lateMs > 10, `its lateness counts the stall (${loop.lateMs.toFixed(1)} ms)`)
})
