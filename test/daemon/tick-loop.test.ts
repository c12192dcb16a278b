// The tick loop: runs ticks, never overlaps them, stop() waits for the running tick, and a stalled loop skips instead of bursting.
import t from 'tap'
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
