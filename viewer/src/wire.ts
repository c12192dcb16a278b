/**
 * The shapes of what the daemon sends the viewer (docs/PROTOCOL.md), typed for
 * the viewer's own use. A cell on the wire is `{id, ...non-zero fields}` and is
 * that cell's full state: a missing field is 0.
 *
 * @example
 * const c: WireCell = { id: 7, terrain: 2 }   // owner 0, no structure
 */
import type { CellFields } from '../../src/engine/cells.ts'

/** A cell as snapshots and diffs carry it (zero fields left out): the engine's fields, each optional. */
export interface WireCell extends Partial<CellFields> { id: number }

/** One chunk of a snapshot or diff. */
export interface WireChunk { id: number; cells: WireCell[] }

/** `world:main` `snapshot`. */
export interface SnapshotPayload { seq: number; tick: number; hash?: string; chunks: WireChunk[] }
/** `world:main` `diff`. */
export interface DiffPayload { seq: number; tick: number; from_tick?: number; chunks: WireChunk[] }

/** The player record of the join reply and of `player` events. */
export interface WirePlayer { id: string; index?: number; name: string; cell: number; inventory?: Record<string, number> }

/** The `world:main` join reply. */
export interface JoinReply {
  session: string
  token: string
  player: WirePlayer
  tick: number
  ups: number
  size: number
  seed: number | string
  head: number
  resync: boolean
}

/** An action as the viewer sends it (the server fills in the player). */
export type ViewerAction =
  | { type: 'claim'; cell: number }
  | { type: 'move'; cell: number }
  | { type: 'remove'; cell: number }
  | { type: 'place'; cell: number; proto: string; dir?: number; input?: number; recipe?: string }
  | { type: 'rotate'; cell: number; dir: number; input?: number }
  | { type: 'set_recipe'; cell: number; recipe: string }

/** The reply to an `action` push, ok or error, flattened. */
export interface ActionReply { ok: boolean; tick?: number; code?: string; reason?: string }
