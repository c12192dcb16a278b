import t from 'tap'
import { runKernelBench } from '../../src/bench/kernel.ts'
import { hexdSync } from './helpers.ts'

t.test('the kernel benchmark measures the TS reference with a same-run baseline', async (t) => {
  const r = runKernelBench({ size: 8, ticks: 3, warmup: 2, seed: 1 })
  t.match(r, { size: 8, ticks: 3, warmup: 2, cells: 642, hashes_match: true, hash: /^[0-9a-f]{16}$/ })
  t.ok(r.ts_cups > 0 && r.ts_cups_nosleep > 0 && r.sleep_ratio > 0)
  t.ok(r.computed_fraction >= 0 && r.computed_fraction <= 1)
})

t.test('hexd bench kernel --json prints ts_cups, size and ticks', async (t) => {
  const p = hexdSync('bench', 'kernel', '--size', '8', '--ticks', '2', '--larger-size', '0', '--json')
  t.equal(p.status, 0, p.stderr)
  const r = JSON.parse(p.stdout)
  t.match(r, { size: 8, ticks: 2, hashes_match: true })
  t.ok(r.ts_cups > 0)
  const bad = hexdSync('bench', 'kernel', '--size', '0', '--json')
  t.equal(bad.status, 64)
  t.match(bad.stderr, /--size must be an integer/)
})
