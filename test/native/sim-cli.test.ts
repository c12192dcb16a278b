// `hexd sim` through every --compute and --sync: the same hash everywhere
// (with a scenario that makes things), bad values exit 64 with a clear
// message, and a missing addon falls back to --compute js and says so.
import t from 'tap'
import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { nativeOrSkip } from './helpers.ts'

const bin = fileURLToPath(new URL('../../bin/hexd', import.meta.url))
// Under the runner's NODE_OPTIONS too, so the child reports coverage.
const sim = (args: string[], env: NodeJS.ProcessEnv = {}) =>
  spawnSync(process.execPath, [bin, 'sim', '--json', ...args], { encoding: 'utf8', env: { ...process.env, ...env }, timeout: 60_000 })

if (nativeOrSkip(t)) {
  t.test('every compute x sync prints the same hash', async (t) => {
    const base = ['--seed', '5', '--size', '20', '--ticks', '40', '--scenario', 'factory']
    const runs: Array<[string, string]> = [['js', 'auto'], ['thread', 'auto'], ['process', 'futex'], ['process', 'eventfd'], ['process', 'signal'], ['thread', 'signal']]
    const hashes = new Set<string>()
    for (const [compute, sync] of runs) {
      const r = sim([...base, '--compute', compute, '--sync', sync])
      t.equal(r.status, 0, `${compute}/${sync} exits 0 ${r.stderr.slice(-300)}`)
      const j = JSON.parse(r.stdout)
      t.equal(j.compute, compute)
      if (compute !== 'js') t.equal(j.sync, sync === 'auto' ? 'futex' : sync)
      hashes.add(j.hash)
    }
    t.equal(hashes.size, 1, `one hash for all: ${[...hashes].join(', ')}`)
  })

  t.test('bad --compute / --sync values', async (t) => {
    for (const args of [['--compute', 'gpu'], ['--sync', 'semaphore'], ['--threads', '0'], ['--spin-ns', '-1']]) {
      const r = sim(['--size', '4', '--ticks', '1', ...args])
      t.equal(r.status, 64, `${args.join(' ')} exits 64`)
      t.match(r.stderr, new RegExp(`--${args[0].slice(2)}`), 'the message names the option')
    }
  })

  t.test('hexd native info', async (t) => {
    const run = (env: NodeJS.ProcessEnv) =>
      spawnSync(process.execPath, [bin, 'native', 'info', '--json'], { encoding: 'utf8', env: { ...process.env, ...env }, timeout: 30_000 })
    const r = run({})
    t.equal(r.status, 0)
    const j = JSON.parse(r.stdout)
    t.equal(j.addon, true)
    t.equal(j.auto, 'futex')
    t.same(j.sync, ['futex', 'eventfd', 'signal'])
    t.ok(j.signals.daemon >= 34 && j.signals.daemon !== 10, 'the daemon side never uses SIGUSR1 (Node inspector)')
    const off = JSON.parse(run({ HEXD_NATIVE_DISABLE: '1' }).stdout)
    t.equal(off.addon, false)
    t.equal(off.computeDefault, 'js')
    t.match(off.reason, /HEXD_NATIVE_DISABLE/)
  })

  t.test('without the addon, --compute process falls back to js and says so', async (t) => {
    const r = sim(['--size', '8', '--ticks', '5', '--compute', 'process'], { HEXD_NATIVE_DISABLE: '1' })
    t.equal(r.status, 0)
    t.equal(JSON.parse(r.stdout).compute, 'js')
    t.match(r.stderr, /running --compute js/)
    const ref = sim(['--size', '8', '--ticks', '5', '--compute', 'js'])
    t.equal(JSON.parse(r.stdout).hash, JSON.parse(ref.stdout).hash)
  })
}
