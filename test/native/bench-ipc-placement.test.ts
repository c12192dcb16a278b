// `hexd bench ipc`'s placement-matched rows (src/bench/ipc-placement.ts) and
// what they stand on: the addon's CPU affinity calls and the raw floor's
// --cpus option. Bookkeeping only, never timings.
import t from 'tap'
import { spawnSync } from 'node:child_process'
import { loadNative, workerPath } from '../../src/native/addon.ts'
import { placementRows } from '../../src/bench/ipc-placement.ts'
import { rawRow } from '../../src/bench/ipc-timing.ts'
import { nativeOrSkip } from './helpers.ts'

if (nativeOrSkip(t)) {
  const n = loadNative()
  if (!n.ok) throw new Error('unreachable')
  const addon = n.addon

  t.test('cpuAffinity / setCpuAffinity: read, narrow and restore this thread', async (t) => {
    const before = addon.cpuAffinity(0)
    t.ok(before.length > 0 && before.every((c) => Number.isInteger(c) && c >= 0), `allowed CPUs ${before}`)
    t.equal(addon.setCpuAffinity(0, [before[0]]), true)
    t.same(addon.cpuAffinity(0), [before[0]], 'narrowed to one CPU')
    t.equal(addon.setCpuAffinity(0, [-1]), false, 'a negative CPU is refused')
    t.equal(addon.setCpuAffinity(0, []), false, 'an empty set is refused by the kernel')
    t.same(addon.cpuAffinity(0), [before[0]], 'a refused call changed nothing')
    t.equal(addon.setCpuAffinity(0, before), true)
    t.same(addon.cpuAffinity(0), before, 'restored')
  })

  t.test('raw floor --cpus: pinned runs report, a bad value is a usage error', async (t) => {
    const cpu = addon.cpuAffinity(0)[0]
    const r = rawRow('futex', 200, [cpu, cpu])
    t.equal(r.name, 'raw-futex')
    t.equal(r.iters, 200)
    t.ok(r.p50_us > 0 && r.p99_us >= r.p50_us)
    for (const bad of ['1', '1,x', '1,2,3', '-1,0', 'a,b']) {
      const p = spawnSync(workerPath(), ['--raw-bench', 'futex', '--iters', '10', '--cpus', bad], { encoding: 'utf8' })
      t.equal(p.status, 64, `--cpus ${bad}: exit 64`)
      t.match(p.stderr, /--cpus must be two CPU numbers/, 'the message names the option')
    }
  })

  t.test('placementRows: raw and hexd rows per placement, ratios, this thread restored', async (t) => {
    const before = addon.cpuAffinity(0)
    const p = await placementRows(200, 20_000)
    t.ok(p, 'measured')
    t.same(addon.cpuAffinity(0), before, 'this thread\'s affinity is restored')
    const names = p!.rows.map((r) => r.name)
    const placements = before.length >= 2 ? ['same-cpu', 'split-cpu'] : ['same-cpu']
    // Spin only where it can pay: split across two CPUs.
    t.same(names, placements.flatMap((x) => [`raw-futex-${x}`, `hexd-futex-${x}`, ...(x === 'split-cpu' ? ['hexd-futex-spin-split-cpu'] : [])]))
    for (const r of p!.rows) t.ok(r.iters === 200 && r.p50_us > 0 && r.p99_us >= r.p50_us, `${r.name} measured`)
    for (const x of placements) {
      const k = `hexd_futex_over_raw_futex_p50_${x.replace('-', '_')}`
      const raw = p!.rows.find((r) => r.name === `raw-futex-${x}`)!
      const hexd = p!.rows.find((r) => r.name === `hexd-futex-${x}`)!
      t.equal(p!.ratios[k], +(hexd.p50_us / raw.p50_us).toFixed(3), `${k} is hexd over raw`)
    }
    t.same(p!.cpus, before.slice(0, 2))
    t.same(p!.skipped, before.length >= 2 ? [] : ['split-cpu: only one CPU is allowed'])
  })
}
