/**
 * The game's content as versioned data: terrain kinds, ground resources,
 * items, structure prototypes and recipes. Ids are the bytes stored in the
 * state planes, so they never change meaning within a CONTENT_VERSION; the
 * native kernel mirrors the tables (docs/RULES.md lists them).
 *
 * @example PROTOTYPES.find((p) => p.name === 'smelter')!.id // => 4
 */

/** Bump when an id, a number below or a rule constant changes meaning. */
export const CONTENT_VERSION = 3

/** Terrain kinds (plane TERRAIN). 0 is VOID: no cell / outside the world. */
export const TERRAIN = { VOID: 0, WATER: 1, GRASS: 2, FOREST: 3, DESERT: 4, ROCK: 5, ICE: 6 } as const
export const TERRAIN_NAMES = ['void', 'water', 'grass', 'forest', 'desert', 'rock', 'ice'] as const

/** Ground resources (plane RES). Extracting resource r yields item r. */
export const RES = { NONE: 0, BIOMASS: 1, COAL: 2, IRON: 3, COPPER: 4, STONE: 5 } as const
export const RES_NAMES = ['none', 'biomass', 'coal', 'iron_ore', 'copper_ore', 'stone'] as const

/** Items (planes ITEM, recipe inputs/outputs, storage filter). 0 = nothing. */
export const ITEM_NAMES = [
  'none', 'biomass', 'coal', 'iron_ore', 'copper_ore', 'stone', 'iron_plate', 'copper_plate', 'gear', 'wire',
  'brick', 'motor', 'circuit', 'robot_arm', 'robot',
] as const
export type ItemName = (typeof ITEM_NAMES)[number]
/** Item id by name. */
export const ITEM: Record<ItemName, number> = Object.fromEntries(ITEM_NAMES.map((n, i) => [n, i])) as Record<ItemName, number>

/** Behaviour kinds of prototypes: the rules switch on these. */
export const KIND = { NONE: 0, EXTRACTOR: 1, CONVEYOR: 2, SPLITTER: 3, MACHINE: 4, STORAGE: 5, SOLAR: 6, GENERATOR: 7, POLE: 8 } as const

export interface Prototype {
  id: number
  name: string
  kind: number
  /** Needs power > 0 in its cell to work. */
  powered: boolean
  /** Carries power in the power network. */
  conducts: boolean
  /** Recipe category a machine runs ('smelting' | 'assembling'), else ''. */
  category: string
  description: string
}

/** Structure prototypes (plane STRUCT holds the id). */
export const PROTOTYPES: readonly Prototype[] = [
  { id: 1, name: 'extractor', kind: KIND.EXTRACTOR, powered: true, conducts: true, category: '', description: 'mines its own cell: 1 unit per EXTRACT_TICKS into its output buffer, pushed toward dir' },
  { id: 2, name: 'conveyor', kind: KIND.CONVEYOR, powered: false, conducts: false, category: '', description: 'holds 1 item, moves it toward dir; accepts only from its input direction (default: behind)' },
  { id: 3, name: 'splitter', kind: KIND.SPLITTER, powered: false, conducts: false, category: '', description: 'like a conveyor, but outputs to dir+1 on even ticks and dir−1 on odd ticks' },
  { id: 4, name: 'smelter', kind: KIND.MACHINE, powered: true, conducts: true, category: 'smelting', description: 'runs a smelting recipe; accepts recipe inputs from every side; outputs toward dir' },
  { id: 5, name: 'assembler', kind: KIND.MACHINE, powered: true, conducts: true, category: 'assembling', description: 'runs an assembling recipe; accepts recipe inputs from every side; outputs toward dir' },
  { id: 6, name: 'storage', kind: KIND.STORAGE, powered: false, conducts: false, category: '', description: 'stores up to 65535 items of its filter item (set_recipe sets the filter)' },
  { id: 7, name: 'solar', kind: KIND.SOLAR, powered: false, conducts: true, category: '', description: 'power source: always power level SOLAR_LEVEL' },
  { id: 8, name: 'generator', kind: KIND.GENERATOR, powered: false, conducts: true, category: '', description: 'power source: burns coal or biomass (BURN_TICKS each) at power level GENERATOR_LEVEL' },
  { id: 9, name: 'pole', kind: KIND.POLE, powered: false, conducts: true, category: '', description: 'carries power' },
]

export interface Recipe {
  id: number
  name: string
  category: 'smelting' | 'assembling'
  /** Input A (item id, count), input B (item id or 0, count). */
  a: number
  aCount: number
  b: number
  bCount: number
  out: number
  outCount: number
  /** Ticks of work (progress 1..ticks) before the output appears. */
  ticks: number
}

const r = (id: number, name: string, category: 'smelting' | 'assembling', a: ItemName, aCount: number, b: ItemName, bCount: number, out: ItemName, outCount: number, ticks: number): Recipe =>
  ({ id, name, category, a: ITEM[a], aCount, b: ITEM[b], bCount, out: ITEM[out], outCount, ticks })

/**
 * Recipes (plane RECIPE of a machine holds the id). The longest chain:
 * iron_ore (extracted) -> iron_plate -> gear -> motor (+ iron_plate) -> robot_arm -> robot (+ circuit).
 */
export const RECIPES: readonly Recipe[] = [
  r(1, 'iron_plate', 'smelting', 'iron_ore', 1, 'none', 0, 'iron_plate', 1, 8),
  r(2, 'copper_plate', 'smelting', 'copper_ore', 1, 'none', 0, 'copper_plate', 1, 8),
  r(3, 'brick', 'smelting', 'stone', 2, 'none', 0, 'brick', 1, 12),
  r(4, 'charcoal', 'smelting', 'biomass', 2, 'none', 0, 'coal', 1, 10),
  r(5, 'gear', 'assembling', 'iron_plate', 2, 'none', 0, 'gear', 1, 10),
  r(6, 'wire', 'assembling', 'copper_plate', 1, 'none', 0, 'wire', 2, 6),
  r(7, 'motor', 'assembling', 'gear', 1, 'iron_plate', 1, 'motor', 1, 16),
  r(8, 'circuit', 'assembling', 'wire', 3, 'iron_plate', 1, 'circuit', 1, 14),
  r(9, 'robot_arm', 'assembling', 'motor', 2, 'none', 0, 'robot_arm', 1, 20),
  r(10, 'robot', 'assembling', 'robot_arm', 1, 'circuit', 2, 'robot', 1, 30),
]

/** Rule constants (docs/RULES.md). */
export const RULE = {
  /** Biomass capacity per terrain (0 = infertile). */
  CAP_GRASS: 60,
  CAP_FOREST: 120,
  /** Birth: empty fertile cell with 2 or 3 biomass neighbours, chance 1 / BIRTH_ODDS. */
  BIRTH_ODDS: 8,
  /** Compression: forest biomass at cap with 6 biomass neighbours becomes coal, chance 1 / COAL_ODDS. */
  COAL_ODDS: 64,
  COAL_FROM_BIOMASS: 40,
  /** Machine input buffers accept while count <= IN_CAP − 6 (room for one item from every side). */
  IN_CAP: 24,
  /** Output buffer capacity of machines and extractors. */
  OUT_CAP: 8,
  EXTRACT_TICKS: 4,
  SOLAR_LEVEL: 8,
  GENERATOR_LEVEL: 15,
  BURN_TICKS: 30,
  STOCK_MAX: 65535,
  /** Every SEASON_TICKS ticks (tick % SEASON_TICKS == 0) is a winter tick: grass biomass halves. */
  SEASON_TICKS: 600,
} as const

/** Salts of the rules' random draws (rand32 salt argument). */
export const SALT = { BIRTH: 1, COAL: 2 } as const

/** Lookup tables by prototype id (index 0 = no structure), for the tick's inner loops. */
export const PROTO_KIND = new Uint8Array(256)
export const PROTO_POWERED = new Uint8Array(256)
export const PROTO_CONDUCTS = new Uint8Array(256)
for (const p of PROTOTYPES) {
  PROTO_KIND[p.id] = p.kind
  PROTO_POWERED[p.id] = p.powered ? 1 : 0
  PROTO_CONDUCTS[p.id] = p.conducts ? 1 : 0
}

/** Prototype by name or id. */
export function prototypeByName(name: string): Prototype | undefined {
  return PROTOTYPES.find((p) => p.name === name)
}
export function prototypeById(id: number): Prototype | undefined {
  return PROTOTYPES.find((p) => p.id === id)
}
/** Recipe by name or id. */
export function recipeByName(name: string): Recipe | undefined {
  return RECIPES.find((x) => x.name === name)
}
export function recipeById(id: number): Recipe | undefined {
  return RECIPES.find((x) => x.id === id)
}
/** Recipes indexed by id (undefined holes), for the tick. */
export const RECIPE_BY_ID: ReadonlyArray<Recipe | undefined> = (() => {
  const out: Array<Recipe | undefined> = []
  for (const x of RECIPES) out[x.id] = x
  return out
})()
