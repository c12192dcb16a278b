// Colour easing over one tick period, and the UPS estimate it uses.
import t from 'tap'
import { ColorEaser, smooth } from '../../viewer/src/easing.ts'
import { TickClock } from '../../viewer/src/ticks.ts'

t.test('smooth', async (t) => {
  t.equal(smooth(-1), 0); t.equal(smooth(0), 0); t.equal(smooth(0.5), 0.5); t.equal(smooth(1), 1); t.equal(smooth(2), 1)
  t.ok(smooth(0.25) < 0.25 && smooth(0.75) > 0.75, 'eases in and out')
})

t.test('ColorEaser goes from the shown colour to the target over the period, then stops', async (t) => {
  const e = new ColorEaser()
  e.start(7, [0, 0, 0], [1, 0.5, 0], 1000, 100)
  t.equal(e.active, 1)
  t.same(e.colorAt(7, 1000), [0, 0, 0])
  t.same(e.colorAt(7, 1050), [0.5, 0.25, 0])
  const written: Array<[number, number, number, number]> = []
  e.sample(1050, (id, r, g, b) => written.push([id, r, g, b]))
  t.same(written, [[7, 0.5, 0.25, 0]])
  t.equal(e.active, 1, 'still running mid-way')
  e.sample(1100, (id, r, g, b) => written.push([id, r, g, b]))
  t.same(written[1], [7, 1, 0.5, 0], 'the end colour is written')
  t.equal(e.active, 0, 'then dropped')
  t.equal(e.colorAt(7, 2000), undefined)
})

t.test('a change mid-ease starts from the colour on screen; 0 ms is immediate; bad duration throws', async (t) => {
  const e = new ColorEaser()
  e.start(1, [0, 0, 0], [1, 1, 1], 0, 100)
  e.start(1, [9, 9, 9], [0, 0, 0], 50, 100) // the `shown` argument is ignored: an ease is running
  t.same(e.colorAt(1, 50), [0.5, 0.5, 0.5])
  e.start(2, [0, 0, 0], [1, 1, 1], 0, 0)
  t.same(e.colorAt(2, 0), [1, 1, 1])
  t.throws(() => e.start(3, [0, 0, 0], [1, 1, 1], 0, NaN), /duration/)
  t.throws(() => e.start(3, [0, 0, 0], [1, 1, 1], 0, -1), /duration/)
})

t.test('TickClock', async (t) => {
  const c = new TickClock(20, 3000)
  t.equal(c.ups(), 20, 'the fallback before two samples')
  c.record(100, 0)
  c.record(100, 10) // same tick: ignored
  t.equal(c.ups(), 20)
  c.record(110, 1000)
  t.equal(c.ups(), 10)
  t.equal(c.periodMs(), 100)
  c.record(130, 2000) // coalesced diffs skip ticks: still ticks per second
  t.equal(c.ups(), 15)
  c.record(160, 5000) // the window slides: samples older than 3 s go
  t.equal(c.ups(), (160 - 130) / 3)
  t.throws(() => new TickClock(0), /ups/)
})
