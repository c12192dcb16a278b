// The profile summarizers in scripts/ (docs/SERVE.md, "Diagnostics kept"), on small profiles
// made here: cpu-profile.mjs with a time window and with --phases (only samples inside a tick
// trace's answer phases), and its usage errors.
import t from 'tap'
import { execFileSync, spawnSync } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

const ROOT = new URL('../../', import.meta.url).pathname
const dir = mkdtempSync(join(tmpdir(), 'hexd-profiles-'))

// A CPU profile of three functions, one sample per ms from t = 1000 µs: answer() in samples at
// 1000-4000 µs, idle() at 5000-9000, step() at 10000-12000 (a sample's time is its delta's end).
const frame = (id: number, functionName: string, children: number[] = []) => ({ id, callFrame: { functionName, url: '', scriptId: '0', lineNumber: -1, columnNumber: -1 }, hitCount: 0, children })
const samples = [2, 2, 2, 2, 3, 3, 3, 3, 3, 4, 4, 4]
writeFileSync(join(dir, 'p.cpuprofile'), JSON.stringify({
  nodes: [frame(1, '(root)', [2, 3, 4]), frame(2, 'answer'), frame(3, 'idle'), frame(4, 'step')],
  startTime: 0, endTime: 13000, samples, timeDeltas: [1000, ...samples.slice(1).map(() => 1000)],
}))
// Two ticks: one answering from 900 to 4100 µs (done 3.2 ms), one from 9900 µs for 2.2 ms.
writeFileSync(join(dir, 't.jsonl'), [{ tick: 1, mono: 900, done: 3.2 }, { tick: 2, mono: 9900, done: 2.2 }, { tick: 3, mono: 20000, done: null }].map((x) => JSON.stringify(x)).join('\n') + '\n')

const run = (...args: string[]) => execFileSync(process.execPath, ['scripts/cpu-profile.mjs', ...args], { cwd: ROOT, encoding: 'utf8' })
const selfShare = (out: string, fn: string) => Number(new RegExp(`^\\s*([\\d.]+) %  ${fn} `, 'm').exec(out.split('total (inclusive):')[0])?.[1] ?? 0)

t.test('cpu-profile.mjs: the whole profile, a window, and the answer phases of a trace', async (t) => {
  const all = run(join(dir, 'p.cpuprofile'), '5')
  t.ok(selfShare(all, 'idle') > 30, 'the whole profile holds the idle samples')
  const window = run(join(dir, 'p.cpuprofile'), '5', '0', '4500')
  t.equal(selfShare(window, 'answer'), 100, 'a window of 0-4500 µs holds only answer()')
  const phases = run(join(dir, 'p.cpuprofile'), '5', '--phases', join(dir, 't.jsonl'))
  t.equal(selfShare(phases, 'idle'), 0, 'no sample between answer phases is kept')
  t.ok(selfShare(phases, 'answer') > 0 && selfShare(phases, 'step') > 0, 'both ticks\' phases are kept')
})

t.test('cpu-profile.mjs: usage errors exit 64 with a message', async (t) => {
  const noTrace = spawnSync(process.execPath, ['scripts/cpu-profile.mjs', join(dir, 'p.cpuprofile'), '5', '--phases'], { cwd: ROOT, encoding: 'utf8' })
  t.equal(noTrace.status, 64)
  t.match(noTrace.stderr, /usage: .*--phases TRACE/)
  const badTop = spawnSync(process.execPath, ['scripts/cpu-profile.mjs', join(dir, 'p.cpuprofile'), 'x'], { cwd: ROOT, encoding: 'utf8' })
  t.equal(badTop.status, 64)
  t.match(badTop.stderr, /TOP must be a positive integer, got "x"/)
})
