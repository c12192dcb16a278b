// The old-generation policy (src/daemon/old-generation.ts): --pretenuring off (the default) stops
// V8 from moving allocation sites to the old generation, on leaves V8 alone; --old-gen-growth sets
// V8's heap growing factor. Pretenuring is checked against V8 itself, in a child process whose V8
// reports its pretenuring decisions (--trace-pretenuring-statistics).
import t from 'tap'
import { execFileSync } from 'node:child_process'
import { OLD_GENERATION_DEFAULTS, applyOldGeneration, oldGenerationFlags } from '../../src/daemon/old-generation.ts'
import { resolveConfig } from '../../src/daemon/config.ts'

const ROOT = new URL('../../', import.meta.url).pathname

/**
 * Runs, in a fresh node, applyOldGeneration with `pretenuring` and then a workload whose objects
 * all survive (one literal site, kept in an array across many scavenges): the case V8 pretenures.
 * Returns V8's pretenuring trace.
 */
function traceOf(pretenuring: string): string {
  const script = `
    const { applyOldGeneration } = await import(${JSON.stringify(ROOT + 'src/daemon/old-generation.ts')})
    applyOldGeneration({ pretenuring: ${JSON.stringify(pretenuring)}, growthPercent: 0 })
    const keep = []
    const make = (i) => ({ a: i, b: [i] })
    for (let r = 0; r < 40; r++) for (let i = 0; i < 50000; i++) keep.push(make(i))
    console.log('kept', keep.length)`
  return execFileSync(process.execPath, ['--trace-pretenuring-statistics', '--import', 'tsx', '--input-type=module', '-e', script], { cwd: ROOT, encoding: 'utf8' })
}

t.test('pretenuring off: V8 makes no pretenuring decision; on: it tenures the surviving site', async (t) => {
  const on = traceOf('on')
  t.match(on, /kept 2000000/)
  t.match(on, /=> tenure/, 'with V8 left alone, the site of surviving objects is pretenured (the control)')
  const off = traceOf('off')
  t.match(off, /kept 2000000/)
  t.notMatch(off, /pretenuring:/, 'off: no allocation site is even considered')
})

t.test('the flags each policy sets', async (t) => {
  t.same(OLD_GENERATION_DEFAULTS, { pretenuring: 'off', growthPercent: 200 })
  t.same(oldGenerationFlags(OLD_GENERATION_DEFAULTS), ['--no-allocation-site-pretenuring', '--heap-growing-percent=200'])
  t.same(oldGenerationFlags({ pretenuring: 'on', growthPercent: 50 }), ['--heap-growing-percent=50'])
  t.same(oldGenerationFlags({ pretenuring: 'on', growthPercent: 0 }), [], 'on and 0 leave V8 with its defaults')
  t.same(applyOldGeneration({ pretenuring: 'on', growthPercent: 0 }), [], 'nothing set, nothing reported')
})

t.test('--pretenuring, --old-gen-growth and their HEXD_* reach the config, checked', async (t) => {
  const d = resolveConfig({}, {})
  t.same([d.pretenuring, d.oldGenGrowth], ['off', 200], 'defaults')
  t.equal(resolveConfig({}, { HEXD_PRETENURING: 'on' }).pretenuring, 'on')
  t.equal(resolveConfig({ pretenuring: 'off' }, { HEXD_PRETENURING: 'on' }).pretenuring, 'off', 'the flag beats the environment')
  t.equal(resolveConfig({}, { HEXD_OLD_GEN_GROWTH: '0' }).oldGenGrowth, 0)
  t.throws(() => resolveConfig({ pretenuring: 'maybe' }, {}), { code: 'HEXD_BAD_OPTION', field: 'pretenuring', message: /pretenuring \(--pretenuring\) must be one of off, on, got "maybe"/ })
  t.throws(() => resolveConfig({ oldGenGrowth: '1001' }, {}), { code: 'HEXD_BAD_OPTION', field: 'old-gen-growth', message: /old-gen-growth \(--old-gen-growth\) must be an integer from 0 to 1000, got "1001"/ })
})
