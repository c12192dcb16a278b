// The recipe menu's pure parts (viewer/src/recipes.ts) and the predictions of set_recipe and
// rotate (viewer/src/state.ts), against the engine's own content tables.
import t from 'tap'
import { ITEM_NAMES, RECIPES, prototypeByName, recipeByName } from '../../src/engine/content.ts'
import { cellRecipe, currentRecipeName, recipeChoices, recipeLabel, takesRecipe } from '../../viewer/src/recipes.ts'
import { predictCell, recipeIdFor } from '../../viewer/src/state.ts'

const id = (name: string) => prototypeByName(name)!.id

t.test('recipeChoices: a machine lists its category, a storage every item, others nothing', async (t) => {
  t.same(recipeChoices(id('smelter')).map((c) => c.name), RECIPES.filter((r) => r.category === 'smelting').map((r) => r.name))
  t.same(recipeChoices(id('assembler')).map((c) => c.name), ['gear', 'wire', 'motor', 'circuit', 'robot_arm', 'robot'])
  t.equal(recipeChoices(id('storage')).length, ITEM_NAMES.length - 1, 'every item but none')
  t.equal(recipeChoices(id('storage'))[0].label, 'stores biomass')
  t.same(recipeChoices(id('conveyor')), [])
  t.same(recipeChoices(0), [], 'no structure')
  t.same(recipeChoices(99), [], 'unknown prototype')
  t.ok(takesRecipe(id('smelter')) && takesRecipe(id('storage')))
  t.notOk(takesRecipe(id('pole')) || takesRecipe(0))
})

t.test('recipeLabel: inputs → output, duration', async (t) => {
  t.equal(recipeLabel(recipeByName('motor')!), '1 gear + 1 iron_plate → 1 motor, 16 ticks')
  t.equal(recipeLabel(recipeByName('wire')!), '1 copper_plate → 2 wire, 6 ticks')
  t.equal(recipeChoices(id('assembler'))[0].label, '2 iron_plate → 1 gear, 10 ticks')
})

t.test('cellRecipe and currentRecipeName: what the hover panel and the menu show', async (t) => {
  t.equal(cellRecipe({ id: 9, struct: id('assembler'), recipe: 5 }), 'gear: 2 iron_plate → 1 gear (10 ticks)')
  t.equal(cellRecipe({ id: 9, struct: id('assembler'), recipe: 7, progress: 3 }), 'motor: 1 gear + 1 iron_plate → 1 motor (16 ticks, working 3/16)')
  t.equal(cellRecipe({ id: 9, struct: id('assembler'), recipe: 77 }), 'recipe 77 (unknown)')
  t.equal(cellRecipe({ id: 1, struct: id('storage'), recipe: 6, stock: 40 }), 'filter iron_plate (40 stored)')
  t.equal(cellRecipe({ id: 1, struct: id('storage'), recipe: 99 }), 'filter item 99 (0 stored)')
  t.equal(cellRecipe({ id: 1, struct: id('smelter') }), null, 'no recipe yet')
  t.equal(cellRecipe({ id: 1, struct: id('conveyor'), recipe: 3 }), null, 'a belt\'s recipe field is its input direction')
  t.equal(cellRecipe({ id: 1 }), null)
  t.equal(currentRecipeName({ id: 1, struct: id('smelter'), recipe: 1 }), 'iron_plate')
  t.equal(currentRecipeName({ id: 1, struct: id('storage'), recipe: 8 }), 'gear')
  t.equal(currentRecipeName({ id: 1, struct: id('conveyor'), recipe: 1 }), null)
  t.equal(currentRecipeName({ id: 1, struct: id('smelter') }), null)
})

t.test('recipeIdFor: recipe ids by category, item ids for storage, null otherwise', async (t) => {
  t.equal(recipeIdFor(id('smelter'), 'iron_plate'), 1)
  t.equal(recipeIdFor(id('smelter'), 'gear'), null, 'an assembling recipe in a smelter')
  t.equal(recipeIdFor(id('assembler'), 'gear'), 5)
  t.equal(recipeIdFor(id('storage'), 'gear'), 8)
  t.equal(recipeIdFor(id('storage'), 'none'), null)
  t.equal(recipeIdFor(id('storage'), 'nothing'), null)
  t.equal(recipeIdFor(id('conveyor'), 'gear'), null)
  t.equal(recipeIdFor(0, 'gear'), null)
})

t.test('predictCell: set_recipe empties a machine\'s buffers; rotate turns dir (and a belt\'s input)', async (t) => {
  const smelter = { id: 5, terrain: 2, struct: id('smelter'), owner: 1, recipe: 2, inA: 3, progress: 4, item: 7, count: 1 }
  t.same(predictCell(smelter, { type: 'set_recipe', cell: 5, recipe: 'iron_plate' }, 1), { id: 5, terrain: 2, struct: id('smelter'), owner: 1, recipe: 1 })
  t.equal(predictCell(smelter, { type: 'set_recipe', cell: 5, recipe: 'copper_plate' }, 1), null, 'the same recipe changes nothing')
  t.equal(predictCell(smelter, { type: 'set_recipe', cell: 5, recipe: 'gear' }, 1), null, 'the server would refuse it')
  t.same(predictCell({ id: 6, struct: id('storage'), stock: 5, recipe: 0 }, { type: 'set_recipe', cell: 6, recipe: 'coal' }, 1), { id: 6, struct: id('storage'), stock: 5, recipe: 2 }, 'a filter keeps the stock')
  t.same(predictCell(smelter, { type: 'rotate', cell: 5, dir: 3 }, 1), { ...smelter, dir: 3 })
  t.same(predictCell({ id: 8, struct: id('conveyor'), dir: 1, recipe: 4 }, { type: 'rotate', cell: 8, dir: 0 }, 1), { id: 8, struct: id('conveyor'), recipe: 3 }, 'dir 0 left out; input behind')
  t.equal(predictCell({ id: 8, struct: id('storage') }, { type: 'rotate', cell: 8, dir: 2 }, 1), null, 'storage has no direction')
  t.equal(predictCell({ id: 8 }, { type: 'rotate', cell: 8, dir: 2 }, 1), null, 'nothing to rotate')
})
