/**
 * How a cell looks on the map: one glyph and its colours, chosen by (in order
 * of precedence) structure (in a player's colour, underlined, when a player
 * stands on it), player `@`, resource, terrain; the background shows the owner. Names unknown to these tables still draw (first
 * letter, default colour), so new engine prototypes never break the map.
 *
 * @example
 * cellStyle({ id: 5, terrain: 'water' }, { meIndex: 1 }) // => { ch: '~', color: 'blue' }
 */
import type { CellView } from './types.ts'

export interface CellStyle {
  ch: string
  color?: string
  bg?: string
  bold?: boolean
  dim?: boolean
  inverse?: boolean
  underline?: boolean
}

const TERRAIN: Record<string, CellStyle> = {
  water: { ch: '~', color: 'blue' },
  ocean: { ch: '~', color: 'blue' },
  deep: { ch: '≈', color: 'blue' },
  grass: { ch: '.', color: 'green' },
  plains: { ch: '.', color: 'green' },
  forest: { ch: '"', color: 'green' },
  sand: { ch: ':', color: 'yellow' },
  desert: { ch: ':', color: 'yellow' },
  rock: { ch: '^', color: 'gray' },
  mountain: { ch: '^', color: 'white' },
  ice: { ch: '*', color: 'white' },
  snow: { ch: '*', color: 'white' },
  void: { ch: ' ' },
}

const RESOURCE: Record<string, CellStyle> = {
  ore: { ch: 'o', color: 'red' },
  iron: { ch: 'o', color: 'red' },
  iron_ore: { ch: 'o', color: 'red' },
  copper: { ch: 'o', color: 'yellow' },
  copper_ore: { ch: 'o', color: 'yellow' },
  coal: { ch: 'c', color: 'gray' },
  biomass: { ch: '%', color: 'greenBright' },
  wood: { ch: '%', color: 'greenBright' },
  stone: { ch: 's', color: 'white' },
  oil: { ch: 'ø', color: 'magenta' },
}

const STRUCTURE: Record<string, string> = {
  extractor: 'X', drill: 'X', miner: 'X',
  smelter: 'S', furnace: 'S', processor: 'P',
  assembler: 'A', storage: 'B', chest: 'B',
  power: 'G', generator: 'G', power_source: 'G', solar: 'Z', pole: 'I',
  splitter: 'Y', wall: '#',
}

/** Arrows for the 6 screen directions (see SCREEN_DIRS): E, NE, NW, W, SW, SE. */
export const ARROWS = ['→', '↗', '↖', '←', '↙', '↘'] as const
/** Inserters draw as a thinner arrow so they differ from conveyors. */
const INSERTER_ARROWS = ['›', '⌝', '⌜', '‹', '⌞', '⌟'] as const

/** Owner background colours: this player first, then others by index. */
const OWNER_BG = ['magenta', 'red', 'yellow', 'cyan', 'green'] as const

export interface StyleContext {
  /** This player's index (its territory is blue). */
  meIndex?: number
  /** Screen direction (0..5) a directional structure points to, if it is on screen. */
  screenDir?: number
  /** A player stands here: 'me' or 'other'. */
  player?: 'me' | 'other'
}

/** The glyph and colours of one cell (or of an unknown/empty slot when `cell` is undefined). */
export function cellStyle(cell: CellView | undefined, ctx: StyleContext = {}): CellStyle {
  if (!cell) return { ch: '·', color: 'gray', dim: true }
  let style: CellStyle
  const playerColor = ctx.player === 'me' ? 'yellowBright' : 'cyanBright'
  if (cell.structure) {
    // A machine stays visible under a player: drawn in the player's colour, underlined.
    style = ctx.player
      ? { ch: structureGlyph(cell.structure, ctx.screenDir), color: playerColor, bold: true, underline: true }
      : { ch: structureGlyph(cell.structure, ctx.screenDir), color: 'whiteBright', bold: true }
  } else if (ctx.player) {
    style = { ch: '@', color: playerColor, bold: true }
  } else if (cell.resource && (cell.amount ?? 1) > 0) {
    const r = RESOURCE[cell.resource] ?? { ch: cell.resource[0]!.toLowerCase(), color: 'red' }
    style = { ...r, bold: (cell.amount ?? 0) >= 128 }
  } else {
    style = { ...(TERRAIN[cell.terrain] ?? { ch: (cell.terrain[0] ?? '?').toLowerCase(), color: 'white' }) }
  }
  if (cell.owner) style.bg = cell.owner === ctx.meIndex ? 'blue' : OWNER_BG[cell.owner % OWNER_BG.length]
  return style
}

/** Glyph of a structure: an arrow for directional ones, else a capital letter. */
export function structureGlyph(kind: string, screenDir?: number): string {
  if (kind === 'conveyor' || kind === 'belt') return screenDir === undefined ? '=' : ARROWS[screenDir]!
  if (kind === 'inserter') return screenDir === undefined ? 'i' : INSERTER_ARROWS[screenDir]!
  return STRUCTURE[kind] ?? kind[0]!.toUpperCase()
}

/** Key for the legend in the help screen. */
export const LEGEND: Array<[string, string]> = [
  ['~', 'water'], ['.', 'grass'], ['"', 'forest'], [':', 'sand'], ['^', 'rock'], ['*', 'ice'],
  ['c', 'coal'], ['%', 'biomass'],
  ['o', 'iron ore (yellow: copper)'], ['s', 'stone'],
  ['→', 'conveyor'], ['Y', 'splitter'], ['X', 'extractor'], ['S', 'smelter'], ['A', 'assembler'], ['B', 'storage'],
  ['Z', 'solar'], ['G', 'generator'], ['I', 'pole'],
  ['@', 'player'], ['·', 'not loaded / seam'],
]
