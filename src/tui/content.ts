/**
 * The game content the TUI offers in its menus (structures to build, recipes
 * per machine), taken from the engine's versioned content tables
 * (src/engine/content.ts), so the menus always match what the engine accepts.
 *
 * @example
 * const { structures, recipes } = gameContent()
 * structures[0] // => 'extractor'
 */
import { ITEM_NAMES, PROTOTYPES, RECIPES } from '../engine/content.ts'
import type { RecipeView } from './types.ts'

/** Which machine runs a recipe category. */
const MACHINE_OF: Record<string, string> = { smelting: 'smelter', assembling: 'assembler' }

export function gameContent(): { structures: string[]; recipes: RecipeView[] } {
  const recipes: RecipeView[] = RECIPES.map((r) => {
    const inputs: Record<string, number> = { [ITEM_NAMES[r.a]!]: r.aCount }
    if (r.b) inputs[ITEM_NAMES[r.b]!] = r.bCount
    return { name: r.name, machine: MACHINE_OF[r.category] ?? r.category, inputs, outputs: { [ITEM_NAMES[r.out]!]: r.outCount }, ticks: r.ticks }
  })
  // A storage's "recipe" is its filter item (set_recipe sets it): offer every item.
  for (const item of ITEM_NAMES.slice(1)) recipes.push({ name: item, machine: 'storage', inputs: {}, outputs: { [item]: 1 } })
  return { structures: PROTOTYPES.map((p) => p.name), recipes }
}
