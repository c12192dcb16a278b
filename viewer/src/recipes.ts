/**
 * The recipe menu's pure parts: which recipes a structure takes (the engine's RECIPES of a
 * machine's category; any item as a storage's filter), how a recipe reads ("2 iron_plate → 1
 * gear, 10 ticks"), and what a cell's current recipe is, for the hover panel. Straight from
 * src/engine/content.ts, never a copy of its tables.
 *
 * @example
 * recipeChoices(4).map((c) => c.name)   // => ['iron_plate', 'copper_plate', 'brick', 'charcoal'] (smelter)
 * cellRecipe({ id: 9, struct: 5, recipe: 5 })  // => 'gear: 2 iron_plate → 1 gear (10 ticks)'
 */
import { ITEM_NAMES, KIND, RECIPES, prototypeById, recipeById, type Recipe } from '../../src/engine/content.ts'
import type { WireCell } from './wire.ts'

/** One entry of the menu: the name `set_recipe` sends and what it reads as. */
export interface RecipeChoice {
  name: string
  /** e.g. "2 iron_plate → 1 gear, 10 ticks" or, for a storage filter, "stores iron_plate". */
  label: string
}

/**
 * How recipe `r` reads: its inputs, its output and its duration.
 * @example recipeLabel(recipeByName('motor')!) // => '1 gear + 1 iron_plate → 1 motor, 16 ticks'
 */
export function recipeLabel(r: Recipe): string {
  return `${recipeFlow(r)}, ${r.ticks} ticks`
}

/** Inputs → output of recipe `r`, e.g. "2 iron_plate → 1 gear" (recipeLabel and cellRecipe share it). */
function recipeFlow(r: Recipe): string {
  const ins = [`${r.aCount} ${ITEM_NAMES[r.a]}`]
  if (r.b) ins.push(`${r.bCount} ${ITEM_NAMES[r.b]}`)
  return `${ins.join(' + ')} → ${r.outCount} ${ITEM_NAMES[r.out]}`
}

/** Whether a structure (prototype id) takes a recipe: a machine (its recipe) or a storage (its filter). @example takesRecipe(4) // => true (smelter) */
export function takesRecipe(struct: number): boolean {
  const k = prototypeById(struct)?.kind
  return k === KIND.MACHINE || k === KIND.STORAGE
}

/**
 * The menu for structure `struct` (prototype id): a machine's recipes of its category, or every
 * item for a storage's filter; empty for a structure that takes none (and for 0, no structure).
 * @example recipeChoices(5)[0] // => { name: 'gear', label: '2 iron_plate → 1 gear, 10 ticks' }
 */
export function recipeChoices(struct: number): RecipeChoice[] {
  const p = prototypeById(struct)
  if (!p) return []
  if (p.kind === KIND.MACHINE) return RECIPES.filter((r) => r.category === p.category).map((r) => ({ name: r.name, label: recipeLabel(r) }))
  if (p.kind === KIND.STORAGE) return ITEM_NAMES.slice(1).map((name) => ({ name, label: `stores ${name}` }))
  return []
}

/**
 * The current recipe of a cell, as the hover panel shows it: for a machine its recipe (and
 * progress while working), for a storage its filter and stock; null when it has none.
 * @example cellRecipe({ id: 1, struct: 6, recipe: 6, stock: 40 }) // => 'filter iron_plate (40 stored)'
 */
export function cellRecipe(cell: WireCell): string | null {
  const p = prototypeById(cell.struct ?? 0)
  if (!p || !cell.recipe) return null
  if (p.kind === KIND.STORAGE) return `filter ${ITEM_NAMES[cell.recipe] ?? `item ${cell.recipe}`} (${cell.stock ?? 0} stored)`
  if (p.kind !== KIND.MACHINE) return null
  const r = recipeById(cell.recipe)
  if (!r) return `recipe ${cell.recipe} (unknown)`
  const work = cell.progress ? `, working ${cell.progress}/${r.ticks}` : ''
  return `${r.name}: ${recipeFlow(r)} (${r.ticks} ticks${work})`
}

/** The name of the recipe a cell runs now (what the menu marks as current), or null. @example currentRecipeName({ id: 1, struct: 4, recipe: 1 }) // => 'iron_plate' */
export function currentRecipeName(cell: WireCell): string | null {
  const p = prototypeById(cell.struct ?? 0)
  if (!p || !cell.recipe) return null
  if (p.kind === KIND.STORAGE) return ITEM_NAMES[cell.recipe] ?? null
  return p.kind === KIND.MACHINE ? recipeById(cell.recipe)?.name ?? null : null
}
