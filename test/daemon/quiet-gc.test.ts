// --quiet-gc: the young generation is collected at a tick's quiet point once it is the given
// percent full; never below it; off with 0. Against V8 itself and through the daemon's metric.
import t from 'tap'
import { PerformanceObserver, constants } from 'node:perf_hooks'
import { QuietGc, readYoungSpace } from '../../src/daemon/quiet-gc.ts'
import { resolveConfig } from '../../src/daemon/config.ts'
import { testDaemon } from '../net/helpers.ts'

t.test('collects only at or past the threshold, and counts what it spent', async (t) => {
  let space = { used: 0, capacity: 1000 }
  let collected = 0
  const q = new QuietGc(25, () => { collected++ }, () => space)
  space = { used: 249, capacity: 1000 }
  t.equal(q.atQuietPoint(), 0, 'below 25 %: nothing')
  t.equal(collected, 0)
  space = { used: 250, capacity: 1000 }
  q.atQuietPoint()
  t.equal(collected, 1, 'at 25 %: one collection')
  space = { used: 990, capacity: 1000 }
  q.atQuietPoint()
  t.same([collected, q.count], [2, 2], 'each call past the threshold collects once')
  space = { used: 0, capacity: 0 }
  q.atQuietPoint()
  t.equal(collected, 2, 'a young generation of no capacity is left alone')
})

t.test('the percent is checked', async (t) => {
  for (const bad of [0, 101, 2.5, Number.NaN]) {
    t.throws(() => new QuietGc(bad, () => {}), { name: 'RangeError', message: new RegExp(`quiet-gc percent must be an integer from 1 to 100, got ${bad}`) })
  }
  t.same(QuietGc.create(0), { quietGc: null, reason: 'quiet-gc: off (--quiet-gc 0)' }, '0 is off, with the reason')
})

t.test('with V8: a minor collection runs at the quiet point and empties the young generation', async (t) => {
  const { quietGc } = QuietGc.create(1)
  t.ok(quietGc, 'V8 gives the minor collection')
  const kinds: number[] = []
  const obs = new PerformanceObserver((list) => { for (const e of list.getEntries()) kinds.push((e as unknown as { detail: { kind: number } }).detail.kind) })
  obs.observe({ entryTypes: ['gc'] })
  t.teardown(() => obs.disconnect())
  // Fill the young generation past 1 % with garbage (kept alive only by this loop).
  let keep: unknown[] = []
  while (readYoungSpace().used * 100 < readYoungSpace().capacity * 2) keep.push({ a: keep.length, b: [keep.length] })
  keep = []
  const before = readYoungSpace().used
  kinds.length = 0
  t.ok(quietGc!.atQuietPoint() > 0, 'it collected')
  t.ok(readYoungSpace().used < before, `young generation used ${before} -> ${readYoungSpace().used} bytes`)
  // gc entries reach observers asynchronously
  for (let i = 0; i < 200 && !kinds.includes(constants.NODE_PERFORMANCE_GC_MINOR); i++) await new Promise((r) => setTimeout(r, 10))
  t.ok(kinds.includes(constants.NODE_PERFORMANCE_GC_MINOR), `a minor GC was observed (kinds ${kinds.join(',')})`)
})

t.test('--quiet-gc and HEXD_QUIET_GC reach the config: 50 by default, 0-100', async (t) => {
  t.equal(resolveConfig({}, {}).quietGc, 50)
  t.equal(resolveConfig({}, { HEXD_QUIET_GC: '0' }).quietGc, 0)
  t.equal(resolveConfig({ quietGc: '60' }, { HEXD_QUIET_GC: '0' }).quietGc, 60, 'the flag beats the environment')
  t.throws(() => resolveConfig({ quietGc: '101' }, {}), { code: 'HEXD_BAD_OPTION', field: 'quiet-gc', message: /quiet-gc \(--quiet-gc\) must be an integer from 0 to 100, got "101"/ })
  t.throws(() => resolveConfig({}, { HEXD_QUIET_GC: 'half' }), { code: 'HEXD_BAD_OPTION', message: /HEXD_QUIET_GC/ })
})

t.test('the daemon collects after a tick is answered and reports it in /metrics', async (t) => {
  const d = await testDaemon(t, { manualTicks: true, quietGc: 1 })
  let keep: unknown[] = []
  while (readYoungSpace().used * 100 < readYoungSpace().capacity * 2) keep.push({ a: keep.length })
  keep = []
  await d.tickOnce()
  // The tick's commit resolves, then its quiet point comes.
  const count = async () => Number(/^hexd_quiet_gc_seconds_count (\d+)/m.exec(await (await fetch(`${d.url}/metrics`)).text())?.[1])
  let n = await count()
  for (let i = 0; i < 200 && n < 1; i++) { await new Promise((r) => setTimeout(r, 10)); n = await count() }
  t.ok(n >= 1, `hexd_quiet_gc_seconds_count ${n}`)
})

t.test('off (0): the daemon never collects on its own', async (t) => {
  const d = await testDaemon(t, { manualTicks: true, quietGc: 0 })
  let keep: unknown[] = []
  while (readYoungSpace().used * 100 < readYoungSpace().capacity * 2) keep.push({ a: keep.length })
  keep = []
  for (let i = 0; i < 3; i++) await d.tickOnce()
  await d.router.flush() // every commit resolved: the quiet points have passed
  await new Promise((r) => setImmediate(r))
  const text = await (await fetch(`${d.url}/metrics`)).text()
  t.match(text, /^hexd_quiet_gc_seconds_count 0$/m)
})
