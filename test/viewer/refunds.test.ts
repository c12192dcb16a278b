// The refunds a set_recipe or remove of the player's own shows at once (viewer/src/refunds.ts):
// what src/engine/actions.ts returns, compared here with the engine itself applying the same
// action to the same cell, and how long a refund stays shown (until the server's player record
// of the applying tick, or a refusal).
import t from 'tap'
import { ITEM, PROTOTYPES, recipeByName } from '../../src/engine/content.ts'
import { World } from '../../src/engine/world.ts'
import type { CellFields } from '../../src/engine/cells.ts'
import { PendingRefunds, refundOf } from '../../viewer/src/refunds.ts'
import type { ViewerAction } from '../../viewer/src/wire.ts'
import { isolate, lat, set } from '../engine/helpers.ts'

const P = Object.fromEntries(PROTOTYPES.map((p) => [p.name, p.id]))

t.test('refundOf: set_recipe returns the buffers of a changed recipe', async (t) => {
  const motor = recipeByName('motor')!
  const cell = { id: 9, struct: P.assembler, recipe: motor.id, inA: 2, inB: 5, item: ITEM.motor, count: 1, progress: 3 }
  t.same(refundOf(cell, { type: 'set_recipe', cell: 9, recipe: 'gear' }), { gear: 2, iron_plate: 5, motor: 1 }, 'inputs by the old recipe (motor: gear + iron_plate), and the output')
  t.equal(refundOf(cell, { type: 'set_recipe', cell: 9, recipe: 'motor' }), null, 'the same recipe: the engine changes nothing')
  t.equal(refundOf(cell, { type: 'set_recipe', cell: 9, recipe: 'iron_plate' }), null, 'another category: refused')
  t.equal(refundOf({ id: 9, struct: P.smelter, recipe: 1 }, { type: 'set_recipe', cell: 9, recipe: 'copper_plate' }), null, 'empty buffers: nothing')
  t.equal(refundOf({ id: 9, struct: P.storage, recipe: ITEM.coal, stock: 4 }, { type: 'set_recipe', cell: 9, recipe: 'coal' }), null, 'a storage filter returns nothing')
  t.same(refundOf({ id: 9, struct: P.smelter, inA: 3 }, { type: 'set_recipe', cell: 9, recipe: 'iron_plate' }), null, 'no old recipe: the engine names no input to return')
  t.equal(refundOf(undefined, { type: 'set_recipe', cell: 9, recipe: 'gear' }), null)
})

t.test('refundOf: remove returns output, machine inputs, storage stock', async (t) => {
  const plate = recipeByName('iron_plate')!
  t.same(refundOf({ id: 9, struct: P.smelter, recipe: plate.id, inA: 4, item: ITEM.iron_plate, count: 2 }, { type: 'remove', cell: 9 }), { iron_plate: 2, iron_ore: 4 })
  t.same(refundOf({ id: 9, struct: P.storage, recipe: ITEM.coal, stock: 40 }, { type: 'remove', cell: 9 }), { coal: 40 })
  t.same(refundOf({ id: 9, struct: P.conveyor, item: ITEM.stone, count: 1, recipe: 3 }, { type: 'remove', cell: 9 }), { stone: 1 }, 'a belt\'s item (recipe is its input, not an item)')
  t.equal(refundOf({ id: 9, struct: P.generator, inA: 7, progress: 3 }, { type: 'remove', cell: 9 }), null, 'a generator\'s fuel is lost')
  t.equal(refundOf({ id: 9, struct: P.smelter }, { type: 'claim', cell: 9 }), null)
})

t.test('PendingRefunds: shown until the record of the applying tick, dropped when refused', async (t) => {
  const r = new PendingRefunds()
  const inv = { iron_ore: 1 }
  t.equal(r.shown(inv), inv, 'nothing pending: the record itself')
  r.add(1, { iron_ore: 3 })
  r.add(2, { coal: 2, iron_ore: 1 })
  t.same(r.shown(inv), { iron_ore: 5, coal: 2 })
  t.same(inv, { iron_ore: 1 }, 'the record is not changed')
  r.resolve(2, { ok: false, code: 'HEXD_NOT_OWNER', reason: 'no' })
  t.same(r.shown(inv), { iron_ore: 4 }, 'a refusal returns nothing')
  r.resolve(1, { ok: true, tick: 50 })
  r.observe(49)
  t.equal(r.size, 1, 'an older record does not hold it yet')
  r.observe(50)
  t.equal(r.size, 0, 'the record of tick 50 holds it')
  r.add(3, { gear: 1 })
  r.resolve(3, { ok: true, tick: 50 })
  t.equal(r.size, 0, 'a reply for a tick whose record already came: already in it')
  r.add(4, { gear: 1 })
  r.clear()
  t.equal(r.size, 0)
  r.resolve(4, { ok: true, tick: 60 })
  t.equal(r.size, 0, 'an unknown ref changes nothing')
})

t.test('refundOf agrees with the engine applying the same action', async (t) => {
  const n = 16, home = lat(n, 2, 8, 8)
  const motor = recipeByName('motor')!, plate = recipeByName('iron_plate')!
  const cases: Array<[string, Partial<CellFields>, ViewerAction]> = [
    ['set_recipe of an assembler', { struct: P.assembler, recipe: motor.id, inA: 2, inB: 5, item: ITEM.motor, count: 1 }, { type: 'set_recipe', cell: home, recipe: 'gear' }],
    ['set_recipe to the same recipe', { struct: P.assembler, recipe: motor.id, inA: 2 }, { type: 'set_recipe', cell: home, recipe: 'motor' }],
    ['remove a smelter', { struct: P.smelter, recipe: plate.id, inA: 4, item: ITEM.iron_plate, count: 2 }, { type: 'remove', cell: home }],
    ['remove a storage', { struct: P.storage, recipe: ITEM.coal, stock: 40 }, { type: 'remove', cell: home }],
    ['remove a generator', { struct: P.generator, inA: 7 }, { type: 'remove', cell: home }],
  ]
  for (const [what, fields, action] of cases) {
    // An isolated, unpowered structure: its buffers do not change during the tick that applies the action.
    const w = new World({ seed: 4, size: n, allActive: true })
    isolate(w, home, 3)
    w.step([{ type: 'join', player: 'alice', cell: home }])
    set(w, home, { ...fields, owner: w.player('alice')!.index })
    const before = { ...w.player('alice')!.inventory }
    const predicted = refundOf({ ...w.cell(home) }, action)
    const r = w.step([{ ...action, player: 'alice' }])
    t.ok(r.results[0].ok, `${what}: applied`)
    const after = w.player('alice')!.inventory
    const delta: Record<string, number> = {}
    for (const k of Object.keys(after)) if ((after[k] ?? 0) !== (before[k] ?? 0)) delta[k] = after[k] - (before[k] ?? 0)
    t.same(predicted ?? {}, delta, `${what}: the engine returned ${JSON.stringify(delta)}`)
  }
})
