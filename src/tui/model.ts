/**
 * GameModel: the client-side copy of what the TUI shows (cells it has been
 * told about, players, own inventory, recipes, production counts, status).
 * The client (src/tui/client.ts) writes into it; components read it.
 *
 * Every write bumps `version` and schedules one notification; listeners are
 * called at most once per `minIntervalMs` (the frame-rate cap), so a burst of
 * 60 diffs a second costs at most one React render per frame.
 *
 * @example
 * const m = new GameModel({ size: 64 })
 * m.setCells([{ id: 2, terrain: 'grass' }])
 * m.subscribe(() => console.log('changed', m.version))
 */
import type { CellView, PlayerView, RecipeView, StatusView } from './types.ts'

export interface GameModelInit {
  size: number
  /** Cap on notifications per second (default 30). 0 notifies synchronously (tests). */
  maxFps?: number
}

export class GameModel {
  /** World frequency; set once the join reply says it. */
  size: number
  version = 0
  readonly cells = new Map<number, CellView>()
  players: PlayerView[] = []
  /** The player this client plays as (id), once joined. */
  meId?: string
  inventory: Record<string, number> = {}
  recipes: RecipeView[] = []
  /** Structure kinds the player can place, in menu order. */
  structures: string[] = []
  /** Production counters (item → count made in the world), as reported by the daemon. */
  production: Record<string, number> = {}
  /** Items made by this player's machines, and its action tallies (daemon analytics). */
  myProduction: Record<string, number> = {}
  myActions?: { accepted: number; rejected: number }
  status: StatusView = { tick: 0, ups: 0, conn: 'connecting' }
  /** A request to recentre the map on a cell (e.g. after rejoining as a new player); `n` counts requests. */
  home?: { cell: number; n: number }
  /** Last rejection or notice to show the user. */
  notice?: { text: string; error: boolean; at: number }

  private listeners = new Set<() => void>()
  private readonly minIntervalMs: number
  private timer?: NodeJS.Timeout
  private lastNotify = 0

  constructor(init: GameModelInit) {
    this.size = init.size
    const fps = init.maxFps ?? 30
    this.minIntervalMs = fps > 0 ? 1000 / fps : 0
  }

  /** The player record of this client, if known. */
  get me(): PlayerView | undefined {
    return this.players.find((p) => p.id === this.meId)
  }

  /** Player name for an owner index, for the selected-cell panel. */
  ownerName(index: number | undefined): string | undefined {
    if (!index) return undefined
    return this.players.find((p) => p.index === index)?.name ?? `#${index}`
  }

  /** Replaces or inserts cells (a chunk snapshot or a diff). */
  setCells(cells: Iterable<CellView>): void {
    for (const c of cells) this.cells.set(c.id, c)
    this.changed()
  }

  /** Applies partial updates to known cells (fields absent stay as they were). */
  patchCells(patches: Iterable<Partial<CellView> & { id: number }>): void {
    for (const p of patches) {
      const old = this.cells.get(p.id)
      this.cells.set(p.id, old ? { ...old, ...p } : { terrain: 'unknown', ...p })
    }
    this.changed()
  }

  /** Sets any of the scalar parts and notifies. */
  update(part: Partial<Pick<GameModel, 'players' | 'meId' | 'inventory' | 'recipes' | 'structures' | 'production' | 'myProduction' | 'myActions' | 'home'>> & { status?: Partial<StatusView> }): void {
    const { status, ...rest } = part
    Object.assign(this, rest)
    if (status) this.status = { ...this.status, ...status }
    this.changed()
  }

  /** Shows a message in the message line (rejections are `error`). */
  say(text: string, error = false): void {
    this.notice = { text, error, at: Date.now() }
    this.changed()
  }

  /** Registers a listener; returns the unsubscribe function. */
  subscribe(fn: () => void): () => void {
    this.listeners.add(fn)
    return () => { this.listeners.delete(fn) }
  }

  /** Cancels a pending notification (call on shutdown). */
  close(): void {
    if (this.timer) clearTimeout(this.timer)
    this.timer = undefined
    this.listeners.clear()
  }

  private changed(): void {
    this.version++
    if (this.minIntervalMs === 0) return this.notify()
    if (this.timer) return // a notification is already due: it will carry this change too
    const wait = Math.max(0, this.lastNotify + this.minIntervalMs - Date.now())
    this.timer = setTimeout(() => { this.timer = undefined; this.notify() }, wait)
  }

  private notify(): void {
    this.lastNotify = Date.now()
    for (const fn of [...this.listeners]) fn()
  }
}
