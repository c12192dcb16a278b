/**
 * Scenario `factory`: one player builds a complete production chain, from an
 * iron-ore deposit to robot arms, entirely through the public action API:
 *
 *   extractor (iron ore) -> smelter (iron_plate) -> splitter -+-> assembler (gear) ---+
 *                                                             +-> conveyor (plates) --+-> assembler (motor)
 *   -> assembler (robot_arm) -> storage (robot_arm)          powered by solar -> pole -> machines
 *
 * Layout in local lattice offsets (Δi, Δj) of one chunk from the extractor:
 * E(0,0) S(0,1) P(0,2) G(1,2) C(−1,3) M(0,3) R(0,4) St(0,5), pole(1,1), solar(2,1).
 */
import type { World } from '../world.ts'
import type { Action } from '../actions.ts'
import { RES, TERRAIN } from '../content.ts'
import { chunkCount, chunkInfo } from '../chunks.ts'
import { isPentagon } from '../geometry.ts'
import type { Scenario } from './index.ts'
import { HexdError } from '../../errors.ts'

interface Part { di: number; dj: number; proto: string; dir?: number; input?: number; recipe?: string }

/** The chain's parts, placed in this order. */
export const FACTORY_PARTS: readonly Part[] = [
  { di: 0, dj: 0, proto: 'extractor', dir: 1 },
  { di: 0, dj: 1, proto: 'smelter', dir: 1, recipe: 'iron_plate' },
  { di: 0, dj: 2, proto: 'splitter', dir: 1, input: 4 },
  { di: 1, dj: 2, proto: 'assembler', dir: 2, recipe: 'gear' },
  { di: -1, dj: 3, proto: 'conveyor', dir: 0, input: 5 },
  { di: 0, dj: 3, proto: 'assembler', dir: 1, recipe: 'motor' },
  { di: 0, dj: 4, proto: 'assembler', dir: 1, recipe: 'robot_arm' },
  { di: 0, dj: 5, proto: 'storage', recipe: 'robot_arm' },
  { di: 1, dj: 1, proto: 'pole' },
  { di: 2, dj: 1, proto: 'solar' },
]

const BUILDABLE = new Set<number>([TERRAIN.GRASS, TERRAIN.FOREST, TERRAIN.DESERT, TERRAIN.ROCK])

/**
 * Finds the first site (by chunk id, then row-major) where the extractor sits
 * on iron ore (amount >= 100) and every other part has buildable ground.
 * @returns the cell ids of the parts, in FACTORY_PARTS order
 */
export function findFactorySite(world: World): number[] | undefined {
  const n = world.size
  const chunks = chunkCount(n) - 2
  for (let c = 0; c < chunks; c++) {
    const info = chunkInfo(n, c)
    if (info.rows < 6 || info.cols < 8) continue
    const cells = world.chunkCells(c)
    const at = (i: number, j: number) => cells[i * info.cols + j]
    for (let i = 2; i < info.rows - 3; i++) {
      for (let j = 1; j < info.cols - 7; j++) {
        const e = at(i, j)
        if (e.res !== RES.IRON || e.amt < 100 || e.struct !== 0) continue
        const ids = FACTORY_PARTS.map((p) => at(i + p.di, j + p.dj))
        const ok = ids.every((x, k) => x.struct === 0 && x.owner === 0 && BUILDABLE.has(x.terrain) && !isPentagon(n, x.id))
        if (ok) return ids.map((x) => x.id)
      }
    }
  }
  return undefined
}

export const factory: Scenario = {
  name: 'factory',
  description: 'one player builds iron ore -> plate -> gear -> motor -> robot_arm with power, and stores robot arms',
  finalItem: 'robot_arm',
  setup(world: World): Action[] {
    const site = findFactorySite(world)
    if (!site) throw new HexdError('HEXD_BAD_OPTION', `the factory scenario found no iron-ore deposit with room for its 10 parts in a world of size ${world.size} (seed ${world.seed}); use a larger --size (24 or more always worked in tests) or another --seed`, { field: 'size' })
    const player = 'builder'
    const actions: Action[] = [{ type: 'join', player, name: 'Factory builder', cell: site[0] }]
    FACTORY_PARTS.forEach((p, k) => {
      actions.push({ type: 'place', player, cell: site[k], proto: p.proto, ...(p.dir !== undefined ? { dir: p.dir } : {}), ...(p.input !== undefined ? { input: p.input } : {}), ...(p.recipe ? { recipe: p.recipe } : {}) })
    })
    return actions
  },
}
