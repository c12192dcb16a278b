/**
 * What a cell carries besides its structure, as the viewer draws and names it (pure): the item
 * a belt holds, a machine's or generator's progress, its power level, and the hover panel's line
 * of buffers and power. Everything is read from the cell's wire fields (docs/RULES.md: ITEM,
 * COUNT, PROGRESS, RECIPE, INA, INB, POWER) and the engine's tables, never guessed.
 *
 * @example
 * beltItem({ id: 9, struct: 2, item: 6, count: 1 })                 // => 6 (iron_plate on a conveyor)
 * progressOf({ id: 9, struct: 4, recipe: 1, progress: 4 })          // => 0.5 (iron_plate takes 8 ticks)
 * powerKey({ id: 9, struct: 4 })                                    // => POWER_MISSING (a smelter without power)
 * carriedLine({ id: 9, struct: 4, recipe: 1, inA: 3, power: 7 })   // => 'in 3 iron_ore · power 7/15'
 */
import { ITEM_NAMES, KIND, RULE, prototypeById, recipeById } from '../../src/engine/content.ts'
import type { RGB } from './colors.ts'
import type { WireCell } from './wire.ts'

/**
 * One colour per item id (index = ITEM id; 0 unused), chosen to be told apart on a yellow
 * belt: raw resources in their ground tints, plates metallic, parts brighter.
 */
export const ITEM_COLORS: readonly RGB[] = [
  [0, 0, 0], // none
  [0.2, 0.75, 0.15], // biomass
  [0.08, 0.08, 0.08], // coal
  [0.55, 0.3, 0.22], // iron_ore
  [0.85, 0.45, 0.15], // copper_ore
  [0.6, 0.58, 0.55], // stone
  [0.82, 0.85, 0.9], // iron_plate
  [0.95, 0.55, 0.3], // copper_plate
  [0.45, 0.5, 0.6], // gear
  [0.95, 0.75, 0.2], // wire
  [0.7, 0.25, 0.15], // brick
  [0.25, 0.35, 0.85], // motor
  [0.1, 0.6, 0.3], // circuit
  [0.85, 0.2, 0.65], // robot_arm
  [1, 1, 1], // robot
]

/** The colour of item `item` (magenta for an id the engine does not know). @example itemColor(6) // => [0.82, 0.85, 0.9] */
export function itemColor(item: number): RGB {
  return ITEM_COLORS[item] ?? [1, 0, 1]
}

const kindOf = (c: WireCell): number => prototypeById(c.struct ?? 0)?.kind ?? KIND.NONE
const isBelt = (k: number): boolean => k === KIND.CONVEYOR || k === KIND.SPLITTER

/** The item a belt (conveyor or splitter) holds, or 0 (none, or not a belt). @example beltItem({ id: 1, struct: 3, item: 2, count: 1 }) // => 2 */
export function beltItem(c: WireCell): number {
  return isBelt(kindOf(c)) && (c.count ?? 0) > 0 ? c.item ?? 0 : 0
}

/**
 * A belt's input direction (0..5, the same frame as `dir`: RECIPE holds it), or -1 for a cell
 * that is not a belt. @example beltInput({ id: 1, struct: 2, dir: 1, recipe: 4 }) // => 4
 */
export function beltInput(c: WireCell): number {
  return isBelt(kindOf(c)) ? c.recipe ?? 0 : -1
}

/**
 * How far the cell's work has come, 0..1, for the progress bar; 0 when there is nothing to show.
 * A machine: PROGRESS over its recipe's ticks (0 while idle). A generator: the burn timer over
 * BURN_TICKS (the fuel item burning now). Extractors are left out: their 4-tick cycle would
 * redraw every extractor on every tick and say little.
 * @example progressOf({ id: 1, struct: 8, progress: 15 }) // => 0.5
 */
export function progressOf(c: WireCell): number {
  const p = c.progress ?? 0
  if (!p) return 0
  const k = kindOf(c)
  if (k === KIND.GENERATOR) return Math.min(1, p / RULE.BURN_TICKS)
  if (k !== KIND.MACHINE) return 0
  const r = recipeById(c.recipe ?? 0)
  return r ? Math.min(1, p / r.ticks) : 0
}

/** Steps of the progress bar: a bar changes (is uploaded) only when it crosses one. */
export const PROGRESS_STEPS = 16

/** The progress bar's step, 0 (none drawn) .. PROGRESS_STEPS. @example progressStep({ id: 1, struct: 8, progress: 30 }) // => 16 */
export function progressStep(c: WireCell): number {
  const f = progressOf(c)
  return f > 0 ? Math.max(1, Math.round(f * PROGRESS_STEPS)) : 0
}

/** powerKey of a structure that needs power and has none (drawn red). */
export const POWER_MISSING = 16

/**
 * What the power glyph shows: 0 nothing (no structure, or one that neither uses nor carries
 * power, e.g. a belt), 1..15 the power level of a structure that conducts, POWER_MISSING for a
 * structure that needs power (extractor, machine) and has none.
 * @example powerKey({ id: 1, struct: 7, power: 8 }) // => 8 (solar)
 */
export function powerKey(c: WireCell): number {
  const p = prototypeById(c.struct ?? 0)
  if (!p) return 0
  const level = c.power ?? 0
  if (level > 0 && p.conducts) return level
  return p.powered && level === 0 ? POWER_MISSING : 0
}

const name = (item: number): string => ITEM_NAMES[item] ?? `item ${item}`

/**
 * The hover panel's line of what the cell carries: input buffers (named by the recipe's
 * inputs; a generator's fuel), the output buffer (or the item on a belt), and the power level
 * of a structure that uses or carries power; null when there is nothing to say.
 * @example carriedLine({ id: 1, struct: 2, item: 3, count: 1, recipe: 3 }) // => 'carrying iron_ore · input from 3'
 */
export function carriedLine(c: WireCell): string | null {
  const p = prototypeById(c.struct ?? 0)
  if (!p) return null
  const parts: string[] = []
  const count = c.count ?? 0, item = c.item ?? 0
  if (isBelt(p.kind)) {
    parts.push(count > 0 ? `carrying ${name(item)}` : 'empty')
    parts.push(`input from ${c.recipe ?? 0}`)
  } else {
    const ins: string[] = []
    if (p.kind === KIND.MACHINE) {
      const r = recipeById(c.recipe ?? 0)
      if (c.inA) ins.push(`${c.inA} ${r ? name(r.a) : 'A'}`)
      if (c.inB) ins.push(`${c.inB} ${r && r.b ? name(r.b) : 'B'}`)
    } else if (p.kind === KIND.GENERATOR && c.inA) ins.push(`${c.inA} fuel`)
    if (ins.length) parts.push(`in ${ins.join(' + ')}`)
    if (count > 0) parts.push(`out ${count} ${name(item)}`)
  }
  if (p.powered || p.conducts) parts.push(`power ${c.power ?? 0}/15`)
  return parts.length ? parts.join(' · ') : null
}
