// Property: a rejected action changes nothing. A world given a random mix of
// valid and invalid actions ends on the same hash as a world given only the
// actions the first one accepted (in the same order), which all succeed again.
import t from 'tap'
import fc from 'fast-check'
import { World } from '../../src/engine/world.ts'
import { snapshotWorld, restoreWorld } from '../../src/engine/snapshot.ts'
import { PROTOTYPES, RECIPES, ITEM_NAMES } from '../../src/engine/content.ts'
import { Players } from '../../src/engine/players.ts'
import { disk, lat } from './helpers.ts'

const n = 16
const home = lat(n, 3, 8, 8)
const area = disk(n, home, 10)

function randomAction() {
  return fc.record({
    type: fc.oneof(...([['place', 4], ['rotate', 2], ['set_recipe', 2], ['remove', 2], ['claim', 2], ['move', 1], ['join', 1], ['leave', 1], ['bogus', 1]] as const)
      .map(([v, weight]) => ({ arbitrary: fc.constant(v), weight }))),
    player: fc.oneof({ arbitrary: fc.constant('a'), weight: 6 }, { arbitrary: fc.constant('b'), weight: 3 }, { arbitrary: fc.constant('c'), weight: 1 }),
    cell: fc.oneof({ arbitrary: fc.constantFrom(...area.slice(0, 4)), weight: 8 }, { arbitrary: fc.constantFrom(...area), weight: 2 }, { arbitrary: fc.integer({ min: -5, max: 10 * n * n + 10 }), weight: 1 }),
    proto: fc.constantFrom(...PROTOTYPES.filter((p) => p.name !== 'extractor').map((p) => p.name), 'extractor', 'nope'),
    dir: fc.oneof({ arbitrary: fc.integer({ min: 0, max: 5 }), weight: 9 }, { arbitrary: fc.constantFrom(-1, 6, 2.5), weight: 1 }),
    recipe: fc.constantFrom(...RECIPES.map((r) => r.name), ...ITEM_NAMES.slice(1, 4), 'nope'),
  }, { requiredKeys: ['type', 'player', 'cell', 'dir'] })
}

t.test('rejected actions are never half-applied', async (t) => {
  const w0 = new World({ seed: 12, size: n, allActive: true })
  w0.step([{ type: 'join', player: 'a', cell: home }, { type: 'join', player: 'b', cell: area[40] }])
  const snap = snapshotWorld(w0)
  const action = randomAction()
  let acceptedTotal = 0, kinds = new Set<string>()
  fc.assert(fc.property(fc.array(action, { minLength: 10, maxLength: 60 }), (actions) => {
    const a = restoreWorld(snap)
    const b = restoreWorld(snap)
    const ra = a.step(actions)
    const accepted = actions.filter((_, k) => ra.results[k].ok)
    acceptedTotal += accepted.length
    for (const x of accepted) kinds.add(x.type)
    const rb = b.step(accepted)
    if (!rb.results.every((r) => r.ok)) return false
    for (let k = 0; k < 3; k++) if (a.step([]).hash !== b.step([]).hash) return false
    return ra.hash === rb.hash
  }), { numRuns: 60, seed: 99 })
  t.ok(acceptedTotal > 60, `${acceptedTotal} actions were accepted over the runs (the property is not vacuous)`)
  t.ok(kinds.size >= 7, `accepted kinds: ${[...kinds].join(', ')}`)
})

// The players hash is cached between changes (players.ts): after every step of random actions it
// must equal the hash of a fresh copy of the records, or the world hash would go stale.
t.test('the cached players hash follows every accepted action', async (t) => {
  const w0 = new World({ seed: 12, size: n, allActive: true })
  w0.step([{ type: 'join', player: 'a', cell: home }, { type: 'join', player: 'b', cell: area[40] }])
  const snap = snapshotWorld(w0)
  let steps = 0
  fc.assert(fc.property(fc.array(fc.array(randomAction(), { minLength: 1, maxLength: 8 }), { minLength: 3, maxLength: 10 }), (batches) => {
    const w = restoreWorld(snap)
    for (const batch of batches) {
      w.step(batch)
      steps++
      const fresh = Players.fromJSON(w.players.toJSON()).hash()
      const cached = w.players.hash()
      if (fresh[0] !== cached[0] || fresh[1] !== cached[1]) return false
    }
    return true
  }), { numRuns: 60, seed: 7 })
  t.ok(steps > 300, `${steps} steps compared`)
})
