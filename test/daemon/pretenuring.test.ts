// --pretenuring: off (the default) stops V8 from moving allocation sites to the old generation;
// on leaves V8 alone. Checked against V8 itself, in a child process whose V8 reports its
// pretenuring decisions (--trace-pretenuring-statistics).
import t from 'tap'
import { execFileSync } from 'node:child_process'
import { applyPretenuring, pretenuringFlag } from '../../src/daemon/pretenuring.ts'
import { resolveConfig } from '../../src/daemon/config.ts'

const ROOT = new URL('../../', import.meta.url).pathname

/**
 * Runs, in a fresh node, applyPretenuring(mode) and then a workload whose objects all survive
 * (one literal site, kept in an array across many scavenges): the case V8 pretenures.
 * Returns V8's pretenuring trace.
 */
function traceOf(mode: string): string {
  const script = `
    const { applyPretenuring } = await import(${JSON.stringify(ROOT + 'src/daemon/pretenuring.ts')})
    applyPretenuring(${JSON.stringify(mode)})
    const keep = []
    const make = (i) => ({ a: i, b: [i] })
    for (let r = 0; r < 40; r++) for (let i = 0; i < 50000; i++) keep.push(make(i))
    console.log('kept', keep.length)`
  return execFileSync(process.execPath, ['--trace-pretenuring-statistics', '--import', 'tsx', '--input-type=module', '-e', script], { cwd: ROOT, encoding: 'utf8' })
}

t.test('off: V8 makes no pretenuring decision; on: it tenures the surviving site', async (t) => {
  const on = traceOf('on')
  t.match(on, /kept 2000000/)
  t.match(on, /=> tenure/, 'with V8 left alone, the site of surviving objects is pretenured (the control)')
  const off = traceOf('off')
  t.match(off, /kept 2000000/)
  t.notMatch(off, /pretenuring:/, 'off: no allocation site is even considered')
})

t.test('the flag each mode sets', async (t) => {
  t.equal(pretenuringFlag('off'), '--no-allocation-site-pretenuring')
  t.equal(pretenuringFlag('on'), null, 'on leaves V8 with its default')
  t.doesNotThrow(() => applyPretenuring('on'), 'on changes nothing')
})

t.test('--pretenuring and HEXD_PRETENURING reach the config: off by default, off|on', async (t) => {
  t.equal(resolveConfig({}, {}).pretenuring, 'off')
  t.equal(resolveConfig({}, { HEXD_PRETENURING: 'on' }).pretenuring, 'on')
  t.equal(resolveConfig({ pretenuring: 'off' }, { HEXD_PRETENURING: 'on' }).pretenuring, 'off', 'the flag beats the environment')
  t.throws(() => resolveConfig({ pretenuring: 'maybe' }, {}), { code: 'HEXD_BAD_OPTION', field: 'pretenuring', message: /pretenuring \(--pretenuring\) must be one of off, on, got "maybe"/ })
})
