import t from 'tap'
import { runSim } from '../../src/engine/sim.ts'
import { World } from '../../src/engine/world.ts'
import { factory, findFactorySite, FACTORY_PARTS } from '../../src/engine/scenarios/factory.ts'
import { RECIPES, ITEM } from '../../src/engine/content.ts'
import { hexdSync } from './helpers.ts'

t.test('the recipe data has a chain at least 5 steps deep', async (t) => {
  const depth = (item: number): number => {
    const r = RECIPES.find((x) => x.out === item)
    if (!r) return 1 // gathered
    return 1 + Math.max(depth(r.a), r.b ? depth(r.b) : 0)
  }
  t.ok(depth(ITEM.robot_arm) >= 5, `robot_arm depth ${depth(ITEM.robot_arm)}`)
  t.ok(depth(ITEM.robot) >= 6)
})

t.test('factory scenario: built through actions, makes the final product', async (t) => {
  const w = new World({ seed: 42, size: 32 })
  const site = findFactorySite(w)
  t.ok(site, 'a site was found')
  t.equal(site!.length, FACTORY_PARTS.length)
  const r = w.step(factory.setup(w))
  t.ok(r.results.every((x) => x.ok), 'every action accepted')
  const report = await runSim({ seed: 42, size: 32, ticks: 300, scenario: 'factory' })
  t.same(report.rejected, [])
  t.ok(report.final && report.final.made > 0, `robot arms made: ${report.final?.made}`)
  t.ok((report.stored.robot_arm ?? 0) > 0, 'robot arms reached the storage')
  for (const item of ['iron_ore', 'iron_plate', 'gear', 'motor', 'robot_arm']) t.ok((report.production[item] ?? 0) > 0, `${item} produced`)
  const again = await runSim({ seed: 42, size: 32, ticks: 300, scenario: 'factory' })
  t.equal(again.hash, report.hash, 'the scenario run is deterministic')
})

t.test('hexd sim --scenario factory --json prints the final product', async (t) => {
  const p = hexdSync('sim', '--seed', '42', '--size', '32', '--ticks', '250', '--scenario', 'factory', '--compute', 'js', '--json')
  t.equal(p.status, 0, p.stderr)
  const r = JSON.parse(p.stdout)
  t.match(r, { seed: 42, size: 32, ticks: 250, scenario: 'factory', hash: /^[0-9a-f]{16}$/ })
  t.ok(r.final.made > 0)
  t.ok(r.cellUpdatesPerSecond > 0)
  const text = hexdSync('sim', '--seed', '42', '--size', '32', '--ticks', '250', '--scenario', 'factory', '--compute', 'js')
  t.match(text.stdout, /final product: [1-9]\d* robot_arm/)
  t.match(text.stdout, new RegExp(`hash ${r.hash}`))
})

t.test('bad hexd sim input: a clear message and a sysexits code, nothing printed on stdout', async (t) => {
  const cases: Array<[string[], RegExp]> = [
    [['--size', '0'], /--size must be an integer from 1/],
    [['--size', 'abc'], /--size must be an integer.*"abc"/],
    [['--size', '5000'], /--size must be at most 1024/],
    [['--ticks', '-1'], /--ticks must be an integer/],
    [['--seed', 'x'], /--seed must be an integer/],
    [['--scenario', 'nope'], /--scenario must be one of factory, got "nope"/],
    [['--compute', 'gpu'], /--compute must be one of/],
  ]
  for (const [args, msg] of cases) {
    const p = hexdSync('sim', ...args)
    t.equal(p.status, 64, `${args.join(' ')} exits 64`)
    t.match(p.stderr, msg)
    t.equal(p.stdout, '')
  }
  const tiny = hexdSync('sim', '--scenario', 'factory', '--size', '8', '--compute', 'js')
  t.equal(tiny.status, 64, 'a world too small for the factory is a usage error')
  t.match(tiny.stderr, /factory scenario found no iron-ore deposit.*size 8/)
  const j = hexdSync('sim', '--scenario', 'nope', '--json')
  t.equal(j.status, 64)
  t.match(JSON.parse(j.stdout), { error: { code: 'HEXD_UNKNOWN_SCENARIO', field: 'scenario' } })
})
