// The position formulas are reproducible in C++: a line-by-line port
// (fixtures/geometry-port.cc, built with g++ -O2 -ffp-contract=off) gives
// bit-identical unit vectors and identical cellToIntXYZ integers for every
// cell of small worlds and random cells up to 2^24. Skips (with the reason)
// where no C++ compiler is installed; the native build needs one anyway.
import t from 'tap'
import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import fc from 'fast-check'
import * as g from '../../src/engine/geometry.ts'
import { largeCell } from './geometry-helpers.ts'

const SRC = fileURLToPath(new URL('./fixtures/geometry-port.cc', import.meta.url))
const CXX = process.env.CXX ?? 'g++'

function bits(x: number): string {
  const v = new DataView(new ArrayBuffer(8))
  v.setFloat64(0, x)
  return v.getBigUint64(0).toString(16).padStart(16, '0')
}

let compiler = true
try { execFileSync(CXX, ['--version'], { stdio: 'ignore' }) } catch { compiler = false }

t.test('C++ port gives bit-identical positions and integer positions', { skip: compiler ? false : `no C++ compiler (${CXX})` }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'hexd-geo-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  const exe = join(dir, 'geometry-port')
  execFileSync(CXX, ['-O2', '-ffp-contract=off', '-o', exe, SRC])
  const cases: Array<[number, number]> = []
  for (let n = 1; n <= 6; n++) for (let id = 0; id < g.cellCount(n); id++) cases.push([n, id])
  for (const { n, id } of fc.sample(largeCell, { numRuns: 3000, seed: 42 })) cases.push([n, id])
  const out = execFileSync(exe, { input: cases.map(([n, id]) => `${n} ${id}`).join('\n') + '\n', maxBuffer: 64 << 20 }).toString().trim().split('\n')
  t.equal(out.length, cases.length, 'one line per cell')
  let bad = 0
  const first: string[] = []
  cases.forEach(([n, id], k) => {
    const u = g.cellToXYZ(n, id)
    const want = [...u.map(bits), ...g.cellToIntXYZ(n, id).map(String)].join(' ')
    if (out[k] !== want) { bad++; if (first.length < 3) first.push(`n=${n} id=${id}: C++ ${out[k]} vs TS ${want}`) }
  })
  t.equal(bad, 0, `C++ and TS agree on ${cases.length} cells ${first.join('; ')}`)
})
