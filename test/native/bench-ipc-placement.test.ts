// `hexd bench ipc`'s placement-matched rows (src/bench/ipc-placement.ts) and
// what they stand on: the addon's CPU affinity calls and the raw floor's
// --cpus option. Bookkeeping only, never timings.
import t from 'tap'
import { spawnSync } from 'node:child_process'
import { loadNative, workerPath } from '../../src/native/addon.ts'
import { placementRows } from '../../src/bench/ipc-placement.ts'
import { runIpcBench } from '../../src/bench/ipc.ts'
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
    // Node's child_process IPC pinned the same way, for a placement-matched "20x" comparison.
    t.same(names, placements.flatMap((x) => [`raw-futex-${x}`, `hexd-futex-${x}`, ...(x === 'split-cpu' ? ['hexd-futex-spin-split-cpu'] : []), `child_process-${x}`]))
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

  t.test('runIpcBench: the "20x child_process" ratio on two CPUs compares both pinned there', async (t) => {
    const before = addon.cpuAffinity(0)
    const r = await runIpcBench({ iters: 200, spinNs: 20_000 })
    t.same(addon.cpuAffinity(0), before, 'this thread\'s affinity is restored')
    const by = (name: string) => r.rows.find((x) => x.name === name)
    for (const name of ['raw-futex', 'hexd-futex', 'hexd-futex-spin', 'child_process', 'worker_threads', 'zeromq']) t.ok(by(name), `row ${name}`)
    t.equal(r.ratios.child_process_over_hexd_futex_spin_p50, +(by('child_process')!.p50_us / by('hexd-futex-spin')!.p50_us).toFixed(3))
    if (before.length < 2) return
    const child = by('child_process-split-cpu'), spin = by('hexd-futex-spin-split-cpu')
    t.ok(child && spin, 'both measured on the same two CPUs')
    t.equal(r.ratios.child_process_over_hexd_futex_spin_p50_split_cpu, +(child!.p50_us / spin!.p50_us).toFixed(3), 'pinned child_process over pinned spin')
  })
}
