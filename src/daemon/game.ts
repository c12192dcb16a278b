/**
 * The {@link Game} facade over the engine's World, as the transports use it:
 * world info, player creation (a `join` through the ordered queue), action
 * submission (each action gets the session's player id), shape checks,
 * area of interest, snapshots and reads. It also caches the engine's per-chunk
 * diffs once per tick so the broadcaster reads each chunk's diff once.
 *
 * @example
 * const game = new EngineGame({ seed: 1, size: 16, router, durability: 'memory', ups: () => 20, targetUps: 20 })
 * const p = await game.createPlayer('alice')   // resolves after the next tick applies the join
 */
import { randomBytes } from 'node:crypto'
import { HexdError } from '../errors.ts'
import { ACTION_TYPES, FIELD_NAMES, cellToChunk, chunkCount, chunkNeighbors, createWorld, type CellState, type TickResult, type World } from '../engine/index.ts'
import type { ActionOutcome, CellView, ChunkView, Game, PlayerView, Submitter, WorldInfo, WorldSnapshot } from '../net/types.ts'
import type { JournalAction } from './journal.ts'
import type { Router } from './router.ts'

/** Action types a client may send (join/leave are the server's, through sessions). */
const CLIENT_TYPES = new Set(ACTION_TYPES.filter((t) => t !== 'join' && t !== 'leave'))
/** Fields a client action may carry (the engine checks their values). */
const FIELDS = new Set(['type', 'cell', 'proto', 'dir', 'input', 'recipe'])

export interface EngineGameOptions {
  seed: number
  size: number
  router: Router
  durability: string
  /** Measured UPS. */
  ups: () => number
  targetUps: number
  /** An existing world (e.g. recovered by the store); default: a fresh one from seed and size. */
  world?: World
}

/**
 * A cell as snapshots and diffs carry it: `id` plus every non-zero field (a zero field is left
 * out). It is the cell's full state — clients replace, not merge. About a third of the bytes of
 * the full object, which matters at tick rate times every watching session.
 */
export function wireCell(c: CellState): CellView {
  const out: Record<string, unknown> = { id: c.id }
  for (const k of FIELD_NAMES) { const v = c[k]; if (v !== 0) out[k] = v }
  return out as CellView
}

export class EngineGame implements Game {
  readonly world: World
  private diffCache: Map<number, CellView[]> | null = null
  /** True while a step is in flight (an action queued now applies one tick later). */
  private stepping = false

  constructor(private readonly opts: EngineGameOptions) {
    this.world = opts.world ?? createWorld({ seed: opts.seed, size: opts.size })
  }

  get tick(): number { return this.world.tick }
  get queued(): number { return this.opts.router.queued }
  /** The tick the router's queue goes into next ("current" for Router.enqueue). */
  private get queueBase(): number { return this.world.tick + (this.stepping ? 1 : 0) }

  /** The world hash, computed at most once per tick (joins and snapshots ask for it often). */
  hash(): string {
    const t = this.world.tick
    if (this.hashTick !== t) { this.hashValue = this.world.hash(); this.hashTick = t }
    return this.hashValue
  }
  private hashTick = -1
  private hashValue = ''

  info(): WorldInfo {
    const w = this.world
    return {
      name: 'main', tick: w.tick, ups: this.opts.ups(), hash: this.hash(), size: w.size, seed: w.seed,
      players: w.players.all().reduce((n, p) => n + (p.online ? 1 : 0), 0),
      cells: 10 * w.size * w.size + 2, chunks: chunkCount(w.size), durability: this.opts.durability,
    }
  }

  /**
   * Steps the world with the tick's ordered actions (the daemon's tick calls this). Async because
   * the native backends (`--compute thread|process`) tick off the event loop.
   */
  async step(actions: JournalAction[]): Promise<TickResult & { results: ActionOutcome[] }> {
    this.stepping = true
    try {
      const r = await this.world.stepAsync(actions)
      this.diffCache = null
      this.chunkViews.clear()
      this.hashTick = r.tick
      this.hashValue = r.hash
      return r as TickResult & { results: ActionOutcome[] }
    } finally { this.stepping = false }
  }

  /** Players whose position may have changed in this batch (accepted move/join). */
  movedPlayers(actions: JournalAction[], outcomes: ActionOutcome[]): Set<string> {
    const out = new Set<string>()
    actions.forEach((a, i) => { if (outcomes[i]?.ok && (a.type === 'move' || a.type === 'join')) out.add(String(a.player)) })
    return out
  }

  /** The cells of `chunk` changed by the last step (the engine's diffs, read once per tick). */
  chunkDiff(chunk: number): CellView[] {
    if (!this.diffCache) this.diffCache = new Map(this.world.diffs().map((d) => [d.chunk, d.cells.map(wireCell)]))
    return this.diffCache.get(chunk) ?? []
  }

  async createPlayer(name: string): Promise<PlayerView> {
    const id = randomBytes(6).toString('hex')
    const { results } = this.opts.router.enqueue(null, [{ type: 'join', player: id, name }], this.queueBase)
    const [r] = await results
    if (!r?.ok) throw new HexdError('HEXD_BAD_REQUEST', `cannot add player: ${r ? (r as { reason: string }).reason : 'no result'}`, { field: 'name' })
    return this.player(id)!
  }

  /**
   * Brings the existing player `id` back online (a `join` through the queue when it is offline,
   * e.g. a client resuming with its token after a restart); resolves with its record.
   */
  async rejoinPlayer(id: string): Promise<PlayerView> {
    const p = this.world.player(id)
    if (!p) throw new HexdError('HEXD_NOT_FOUND', `player ${JSON.stringify(id)} is not in this world`, { field: 'player' })
    if (!p.online) {
      const [r] = await this.opts.router.enqueue(null, [{ type: 'join', player: id }], this.queueBase).results
      // Already online (another session joined it meanwhile) is what we want anyway.
      if (!r?.ok && (r as { code?: string } | undefined)?.code !== 'HEXD_PLAYER_EXISTS') {
        throw new HexdError('HEXD_BAD_REQUEST', `cannot bring player ${JSON.stringify(id)} back: ${r ? (r as { reason: string }).reason : 'no result'}`, { field: 'token' })
      }
    }
    return this.player(id)!
  }

  submit(who: Submitter, actions: Record<string, unknown>[]): { tick: number; results: Promise<ActionOutcome[]> } {
    return this.opts.router.enqueue(who, actions.map((a) => ({ ...a, player: who.playerId })), this.queueBase)
  }

  submitThen(who: Submitter, actions: Record<string, unknown>[], done: (outs: ActionOutcome[] | null, err?: unknown) => void): number {
    return this.opts.router.enqueueThen(who, actions.map((a) => ({ ...a, player: who.playerId })), this.queueBase, done)
  }

  checkAction(action: unknown, index?: number): HexdError | null {
    const at = index === undefined ? '' : `actions[${index}].`
    if (!action || typeof action !== 'object' || Array.isArray(action)) return new HexdError('HEXD_BAD_ACTION', `${at || 'an action'} must be a JSON object`, { field: at ? `actions[${index}]` : 'action' })
    const a = action as Record<string, unknown>
    if (typeof a.type !== 'string' || !CLIENT_TYPES.has(a.type as never)) {
      return new HexdError('HEXD_BAD_ACTION', `${at}type must be one of ${[...CLIENT_TYPES].join(', ')}, got ${JSON.stringify(a.type)}`, { field: `${at}type` })
    }
    for (const k of Object.keys(a)) {
      if (k === 'player') return new HexdError('HEXD_BAD_ACTION', `${at}player is set by the server from your session; leave it out`, { field: `${at}player` })
      if (!FIELDS.has(k)) return new HexdError('HEXD_BAD_ACTION', `${at}${k} is not a field of an action (allowed: ${[...FIELDS].join(', ')})`, { field: `${at}${k}` })
    }
    if (!Number.isSafeInteger(a.cell) || (a.cell as number) < 0 || (a.cell as number) >= 10 * this.world.size ** 2 + 2) {
      return new HexdError('HEXD_BAD_CELL', `${at}cell must be a cell id from 0 to ${10 * this.world.size ** 2 + 1}, got ${JSON.stringify(a.cell)}`, { field: `${at}cell` })
    }
    return null
  }

  areaOfInterest(playerId: string): number[] {
    const p = this.world.players.get(playerId)
    if (!p) return []
    const c = cellToChunk(this.world.size, p.cell).chunk
    let aoi = this.aoiCache.get(c)
    // chunkNeighbors walks a chunk's halo: compute it once per chunk, not per player per move.
    if (!aoi) this.aoiCache.set(c, (aoi = [c, ...chunkNeighbors(this.world.size, c)]))
    return aoi
  }
  private readonly aoiCache = new Map<number, number[]>()

  /**
   * A snapshot of `chunks` now. Each chunk's view is built once per tick and the same object is
   * handed to every session that asks in that tick (a thousand joins, or lagging sessions whose
   * diffs became snapshots, read the same few chunks: building each cell per session was the
   * largest allocation of the daemon under load). Cells change only in `step`, which clears it.
   */
  snapshot(chunks: number[]): WorldSnapshot {
    const tick = this.world.tick
    if (tick !== this.chunkViewsTick || this.stepping) { this.chunkViews.clear(); this.chunkViewsTick = tick }
    const views = chunks.map((id) => {
      let v = this.chunkViews.get(id)
      if (!v) {
        v = { id, cells: this.world.chunkCells(id).map(wireCell) }
        if (!this.stepping) this.chunkViews.set(id, v) // mid-step reads (native backends) are not kept
      }
      return v
    })
    return { tick, hash: this.hash(), chunks: views }
  }
  private readonly chunkViews = new Map<number, ChunkView>()
  private chunkViewsTick = -1

  chunk(id: number): { tick: number; chunk: ChunkView } {
    if (!this.isChunk(id)) throw new HexdError('HEXD_BAD_CHUNK', `chunk ${id} is not a chunk of this world (0..${chunkCount(this.world.size) - 1})`, { field: 'id' })
    return { tick: this.world.tick, chunk: { id, cells: this.world.chunkCells(id) as unknown as CellView[] } }
  }

  cell(id: number): { tick: number; cell: CellView } {
    return { tick: this.world.tick, cell: this.world.cell(id) as unknown as CellView }
  }

  players(): PlayerView[] { return this.world.playerList() }
  player(id: string): PlayerView | undefined { return this.world.player(id) }

  isChunk(id: number): boolean { return Number.isSafeInteger(id) && id >= 0 && id < chunkCount(this.world.size) }
}
