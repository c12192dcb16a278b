/**
 * Shapes shared by the net layer and the daemon that feeds it: cell and chunk
 * views as they go on the wire, and the {@link Game} facade through which the
 * transports reach the world (implemented by src/daemon/game.ts). Keeping the
 * facade here lets every transport be written and tested against one small
 * interface instead of the engine's internals.
 */
import type { HexdError } from '../errors.ts'

/** One cell on the wire: its id plus the engine's cell fields. */
export interface CellView { id: number; [field: string]: unknown }

/** A chunk's cells (all of them in a snapshot, the changed ones in a diff). */
export interface ChunkView { id: number; cells: CellView[] }

/** A player as clients see it. */
/** A player as clients see it: `id` (string, used in topics) and `index` (the value cells carry in `owner`). */
export interface PlayerView { id: string; index: number; name: string; cell: number; inventory?: Record<string, number>; online?: boolean }

/** One action's outcome, as the engine reports it. */
export type ActionOutcome = { ok: true; tick: number } | { ok: false; tick?: number; code: string; reason: string }

/** A consistent read of some chunks at one tick. */
export interface WorldSnapshot { tick: number; hash: string; chunks: ChunkView[] }

/** World facts for /api/world, /healthz and join replies. */
export interface WorldInfo {
  name: string; tick: number; ups: number; hash: string; size: number; seed: number | string
  players: number; cells: number; chunks: number; durability: string
}

/** Who submitted actions, so results can be routed back. */
export interface Submitter { sessionId: string; playerId: string }

/** The world as the transports see it. The daemon implements it over the engine. */
export interface Game {
  info(): WorldInfo
  /** The committed tick (cheap; info() computes the hash). */
  readonly tick: number
  /** Actions waiting for the next tick (all sessions). */
  readonly queued: number
  /** Adds a player (the engine's `join` at the next tick); resolves once applied. */
  createPlayer(name: string): Promise<PlayerView>
  /** Brings an existing player back online (a `join` if it is offline); resolves once applied. */
  rejoinPlayer?(playerId: string): Promise<PlayerView>
  /**
   * Queues actions (already shape-checked) for the next tick. Returns the tick they will
   * apply at and a promise of their outcomes, resolved after the tick's journal commit.
   */
  submit(who: Submitter, actions: Record<string, unknown>[]): { tick: number; results: Promise<ActionOutcome[]> }
  /**
   * Like `submit` with a callback instead of a promise (the per-action hot path: no promise to
   * allocate); `done` gets the outcomes, or null and the error. Returns the tick they apply at.
   */
  submitThen(who: Submitter, actions: Record<string, unknown>[], done: (outs: ActionOutcome[] | null, err?: unknown) => void): number
  /** Checks one client action's shape; returns the error or null. `index` names it in a batch. */
  checkAction(action: unknown, index?: number): HexdError | null
  /** The chunks a player watches by default (its chunk and neighbours). */
  areaOfInterest(playerId: string): number[]
  snapshot(chunks: number[]): WorldSnapshot
  chunk(id: number): { tick: number; chunk: ChunkView }
  cell(id: number): { tick: number; cell: CellView }
  players(): PlayerView[]
  player(id: string): PlayerView | undefined
  /** True when `id` is a chunk of this world. */
  isChunk(id: number): boolean
}

/**
 * Where the hash of each player's session token is kept (src/store: players.token_hash), so a
 * client can come back as the same player with its token after a daemon restart.
 */
export interface TokenStore {
  /** Records that the token with sha256 `hash` opens `playerId`; durable when it resolves. */
  remember(playerId: string, hash: string): Promise<void>
  /** The player the token with sha256 `hash` opens, if any. */
  lookup(hash: string): string | undefined | Promise<string | undefined>
}
