// What a cell carries, as the viewer draws and names it (viewer/src/carried.ts): belt items and
// inputs, progress of machines and generators, power keys, the hover line. The cells are real
// wire cells (src/engine's field names and prototype ids), the recipes the engine's own.
import t from 'tap'
import { ITEM, ITEM_NAMES, PROTOTYPES, RULE, recipeByName } from '../../src/engine/content.ts'
import { ITEM_COLORS, POWER_MISSING, PROGRESS_STEPS, beltInput, beltItem, carriedLine, itemColor, powerKey, progressOf, progressStep } from '../../viewer/src/carried.ts'

const P = Object.fromEntries(PROTOTYPES.map((p) => [p.name, p.id]))

t.test('item colours: one per engine item, told apart', async (t) => {
  t.equal(ITEM_COLORS.length, ITEM_NAMES.length, 'one colour per item id')
  const keys = new Set(ITEM_COLORS.slice(1).map((c) => c.join(',')))
  t.equal(keys.size, ITEM_NAMES.length - 1, 'no two items share a colour')
  t.same(itemColor(99), [1, 0, 1], 'an unknown id is magenta')
})

t.test('beltItem and beltInput: belts only', async (t) => {
  t.equal(beltItem({ id: 5, struct: P.conveyor, item: ITEM.iron_plate, count: 1, recipe: 3 }), ITEM.iron_plate)
  t.equal(beltItem({ id: 5, struct: P.splitter, item: ITEM.coal, count: 1 }), ITEM.coal)
  t.equal(beltItem({ id: 5, struct: P.conveyor, recipe: 3 }), 0, 'an empty belt')
  t.equal(beltItem({ id: 5, struct: P.extractor, item: ITEM.coal, count: 3 }), 0, 'an extractor\'s output is not a belt item')
  t.equal(beltInput({ id: 5, struct: P.conveyor, dir: 1, recipe: 4 }), 4)
  t.equal(beltInput({ id: 5, struct: P.conveyor, dir: 3 }), 0, 'input 0 is a missing field')
  t.equal(beltInput({ id: 5, struct: P.smelter, recipe: 4 }), -1, 'a machine\'s recipe is not an input')
  t.equal(beltInput({ id: 5 }), -1)
})

t.test('progress: machines by their recipe, generators by the burn timer', async (t) => {
  const plate = recipeByName('iron_plate')!
  t.equal(progressOf({ id: 1, struct: P.smelter, recipe: plate.id, progress: plate.ticks / 2 }), 0.5)
  t.equal(progressOf({ id: 1, struct: P.smelter, recipe: plate.id }), 0, 'idle')
  t.equal(progressOf({ id: 1, struct: P.smelter, progress: 3 }), 0, 'no recipe, nothing to show')
  t.equal(progressOf({ id: 1, struct: P.generator, progress: RULE.BURN_TICKS }), 1)
  t.equal(progressOf({ id: 1, struct: P.extractor, progress: 2 }), 0, 'extractors left out')
  t.equal(progressStep({ id: 1, struct: P.smelter, recipe: plate.id, progress: 1 }), Math.max(1, Math.round(PROGRESS_STEPS / plate.ticks)), 'a started machine shows at least one step')
  t.equal(progressStep({ id: 1, struct: P.generator, progress: RULE.BURN_TICKS }), PROGRESS_STEPS)
  t.equal(progressStep({ id: 1, struct: P.generator }), 0)
})

t.test('powerKey: level of conducting structures, missing power of powered ones', async (t) => {
  t.equal(powerKey({ id: 1, struct: P.solar, power: RULE.SOLAR_LEVEL }), RULE.SOLAR_LEVEL)
  t.equal(powerKey({ id: 1, struct: P.smelter, power: 7 }), 7)
  t.equal(powerKey({ id: 1, struct: P.smelter }), POWER_MISSING, 'a machine without power')
  t.equal(powerKey({ id: 1, struct: P.extractor }), POWER_MISSING)
  t.equal(powerKey({ id: 1, struct: P.pole }), 0, 'an unpowered pole needs nothing')
  t.equal(powerKey({ id: 1, struct: P.conveyor }), 0, 'belts have no power')
  t.equal(powerKey({ id: 1 }), 0)
})

t.test('carriedLine: buffers named by the recipe, output, belt item and input, power', async (t) => {
  const gear = recipeByName('gear')!
  t.equal(carriedLine({ id: 1, struct: P.assembler, recipe: gear.id, inA: 4, count: 2, item: ITEM.gear, power: 9 }), `in 4 ${ITEM_NAMES[gear.a]} · out 2 gear · power 9/15`)
  const motor = recipeByName('motor')!
  t.equal(carriedLine({ id: 1, struct: P.assembler, recipe: motor.id, inA: 1, inB: 2 }), `in 1 ${ITEM_NAMES[motor.a]} + 2 ${ITEM_NAMES[motor.b]} · power 0/15`)
  t.equal(carriedLine({ id: 1, struct: P.conveyor, item: ITEM.iron_ore, count: 1, recipe: 3 }), 'carrying iron_ore · input from 3')
  t.equal(carriedLine({ id: 1, struct: P.conveyor }), 'empty · input from 0')
  t.equal(carriedLine({ id: 1, struct: P.generator, inA: 5, power: 15 }), 'in 5 fuel · power 15/15')
  t.equal(carriedLine({ id: 1, struct: P.storage, recipe: ITEM.coal, stock: 3 }), null, 'storage: the recipe line says it')
  t.equal(carriedLine({ id: 1, terrain: 2 }), null, 'no structure')
})
