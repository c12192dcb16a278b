/**
 * The TUI's view-model: the small interface the ink components render from.
 * Nothing here knows about the wire or the engine; src/tui/client.ts fills a
 * {@link GameModel} (src/tui/model.ts) from the daemon, and the components
 * read it. Keeping this seam narrow is what lets the components be tested
 * with ink-testing-library on hand-built states.
 */

/** One cell as the TUI shows it. Names, not engine codes, so glyphs are stable. */
export interface CellView {
  id: number
  /** Terrain name, e.g. 'water', 'grass', 'rock', 'sand', 'ice', 'void'. */
  terrain: string
  /** Resource name on the cell ('' or undefined when none). */
  resource?: string
  amount?: number
  /** Structure (machine) name ('' or undefined when none). */
  structure?: string
  /** Direction 0..5 of a directional structure (conveyor, inserter…). */
  dir?: number
  /** Recipe name a machine runs. */
  recipe?: string
  /** Owner player index (0 or undefined = unowned). */
  owner?: number
  /** Item carried on the cell (conveyor contents…) and how many. */
  item?: string
  count?: number
  /** Machine work progress (ticks done of the recipe), power level, storage stock. */
  progress?: number
  power?: number
  stock?: number
}

export interface PlayerView {
  index: number
  id: string
  name: string
  /** Cell id of the player's position. */
  position: number
  online: boolean
}

export interface RecipeView {
  name: string
  /** Machine kind that runs it. */
  machine: string
  inputs: Record<string, number>
  outputs: Record<string, number>
  ticks?: number
}

export type ConnState = 'connecting' | 'online' | 'reconnecting' | 'offline' | 'local'

export interface StatusView {
  tick: number
  /** Measured updates per second of the daemon. */
  ups: number
  /** Last measured round trip in ms (undefined until measured). */
  latencyMs?: number
  conn: ConnState
  /** Free text shown after the connection state, e.g. the URL. */
  detail?: string
}

/** The result of an action sent to the daemon (engine ActionResult shape). */
export type ActionResult = { ok: true; tick?: number } | { ok: false; code: string; reason: string }

/** An action as sent over the wire; `player` is filled in by the client. */
export interface ActionInput {
  type: 'place' | 'remove' | 'rotate' | 'set_recipe' | 'claim' | 'move'
  cell: number
  [k: string]: unknown
}

/** What the UI needs from the outside world to act. */
export interface ActionSink {
  send(action: ActionInput): Promise<ActionResult>
}

/** Minimal geometry the map layout needs (see src/tui/geo.ts for the real one). */
export interface Geo {
  size: number
  neighbors(id: number): number[]
  xyz(id: number): [number, number, number]
  isPentagon(id: number): boolean
}
