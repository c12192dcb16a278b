/**
 * Cell colour: terrain, then a ground resource's tint, then a structure's own
 * colour, blended toward the owner's colour, and toward bright yellow while an
 * action on the cell awaits confirmation. Colours are linear [r, g, b] in 0..1
 * (three.js vertex colours). Pure: no three.js.
 *
 * @example cellColor({ id: 1, terrain: 1 }, { pending: false }) // => [0.12, 0.32, 0.62] (water)
 */
import { RES, TERRAIN } from '../../src/engine/content.ts'
import type { WireCell } from './wire.ts'

export type RGB = [number, number, number]

/** By terrain id (src/engine/content.ts TERRAIN). */
export const TERRAIN_COLORS: Readonly<Record<number, RGB>> = {
  [TERRAIN.VOID]: [0, 0, 0],
  [TERRAIN.WATER]: [0.12, 0.32, 0.62],
  [TERRAIN.GRASS]: [0.36, 0.62, 0.27],
  [TERRAIN.FOREST]: [0.16, 0.42, 0.2],
  [TERRAIN.DESERT]: [0.84, 0.76, 0.5],
  [TERRAIN.ROCK]: [0.5, 0.48, 0.46],
  [TERRAIN.ICE]: [0.9, 0.94, 0.98],
}

/** By resource id (RES); mixed into the terrain by {@link RESOURCE_MIX}. */
export const RESOURCE_COLORS: Readonly<Record<number, RGB>> = {
  [RES.BIOMASS]: [0.55, 0.85, 0.2],
  [RES.COAL]: [0.08, 0.08, 0.08],
  [RES.IRON]: [0.62, 0.36, 0.28],
  [RES.COPPER]: [0.85, 0.5, 0.2],
  [RES.STONE]: [0.72, 0.7, 0.66],
}
export const RESOURCE_MIX = 0.55

/** By structure prototype id (1 extractor … 9 pole). */
export const STRUCTURE_COLORS: Readonly<Record<number, RGB>> = {
  1: [0.95, 0.35, 0.1],
  2: [0.95, 0.85, 0.2],
  3: [0.95, 0.65, 0.15],
  4: [0.75, 0.2, 0.2],
  5: [0.3, 0.45, 0.95],
  6: [0.55, 0.35, 0.2],
  7: [0.2, 0.25, 0.55],
  8: [0.5, 0.15, 0.55],
  9: [0.85, 0.85, 0.85],
}
/** A structure id with no entry above. */
export const UNKNOWN_STRUCTURE: RGB = [1, 0, 1]
/** How far an owned cell moves toward its owner's colour. */
export const OWNER_MIX = 0.45
/** The pending-action highlight and how far it is mixed in. */
export const PENDING_COLOR: RGB = [1, 1, 0.2]
export const PENDING_MIX = 0.6

/** a + (b − a)·t per channel. @example mix([0, 0, 0], [1, 1, 1], 0.5) // => [0.5, 0.5, 0.5] */
export function mix(a: RGB, b: RGB, t: number): RGB {
  return [a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t, a[2] + (b[2] - a[2]) * t]
}

/**
 * A distinct colour per player index (golden-angle hues, full saturation);
 * index 0 (unowned) is black.
 * @example ownerColor(1) // => a saturated colour, different from ownerColor(2)
 */
export function ownerColor(index: number): RGB {
  if (!Number.isInteger(index) || index < 0) throw new Error(`owner must be a player index (integer >= 0), got ${JSON.stringify(index)}`)
  if (index === 0) return [0, 0, 0]
  const h = (index * 137.508) % 360
  return hsl(h, 0.85, 0.5)
}

function hsl(h: number, s: number, l: number): RGB {
  const c = (1 - Math.abs(2 * l - 1)) * s
  const x = c * (1 - Math.abs(((h / 60) % 2) - 1))
  const m = l - c / 2
  const [r, g, b] = h < 60 ? [c, x, 0] : h < 120 ? [x, c, 0] : h < 180 ? [0, c, x] : h < 240 ? [0, x, c] : h < 300 ? [x, 0, c] : [c, 0, x]
  return [r + m, g + m, b + m]
}

/** The colour a cell is drawn with (see the module comment for the layers). */
export function cellColor(cell: WireCell, o: { pending: boolean }): RGB {
  let c: RGB = TERRAIN_COLORS[cell.terrain ?? 0] ?? TERRAIN_COLORS[0]
  if (cell.res && RESOURCE_COLORS[cell.res]) c = mix(c, RESOURCE_COLORS[cell.res], RESOURCE_MIX)
  if (cell.struct) c = STRUCTURE_COLORS[cell.struct] ?? UNKNOWN_STRUCTURE
  if (cell.owner) c = mix(c, ownerColor(cell.owner), OWNER_MIX)
  if (o.pending) c = mix(c, PENDING_COLOR, PENDING_MIX)
  return c
}
