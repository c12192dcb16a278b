/**
 * The engine's public API: everything other folders (daemon, store, native,
 * CLI, TUI, viewer) use. Documented in src/engine/README.md.
 *
 * @example
 * import { createWorld } from '../engine/index.ts'
 * const world = createWorld({ seed: 42, size: 64 })
 * const r = world.step([{ type: 'join', player: 'alice' }])
 * r.hash // '3f1c…' (16 hex), r.results[0] // { ok: true, tick: 1 }
 */
import { World, type WorldOptions } from './world.ts'

export { World, type WorldOptions, type TickResult, type ChunkDiff, type CellDiff } from './world.ts'
export { type Action, type ActionResult, ACTION_TYPES, REACH, MOVE_RANGE } from './actions.ts'
export { type CellState, type CellFields, FIELD_NAMES } from './cells.ts'
export { type Player } from './players.ts'
export { type TickBackend, type TickInput, type TickOutput, type WriteLog, jsBackend, copyHalo, tickSlot } from './tick.ts'
export { snapshotWorld, restoreWorld, fillSnapshotHoles, type SnapshotHole } from './snapshot.ts'
export { CHUNK_BYTES } from './chunkset.ts'
export * as layout from './layout.ts'
export {
  CONTENT_VERSION, TERRAIN, TERRAIN_NAMES, RES, RES_NAMES, ITEM, ITEM_NAMES, KIND, PROTOTYPES, RECIPES, RULE,
  type Prototype, type Recipe,
} from './content.ts'
export { generateCell, seedHalves } from './generate.ts'
export {
  cellCount, neighbors, cellToXYZ, cellToLatLon, xyzToCell, cellToIntXYZ, isPentagon, checkCell, checkSize,
} from './geometry.ts'
export { CHUNK_SIZE, chunkCount, chunkInfo, cellToChunk, chunkCells, chunkNeighbors, chunkHaloSources } from './chunks.ts'

/**
 * Creates a world of frequency `size` from `seed` (see WorldOptions for the
 * active radius, allocation, stored-chunk loading and the compute backend).
 */
export function createWorld(opts: WorldOptions): World {
  return new World(opts)
}
