/**
 * The World: one simulated hex sphere. It composes the chunk manager (state
 * buffer), players, actions and a TickBackend, and exposes the engine API
 * (src/engine/README.md). A step is: apply the ordered actions, recompute the
 * active set (chunks near online players + chunks with structures), tick the
 * active slots through the backend, commit (epoch flip), report.
 */
import { cellToChunk, chunkCount, chunkInfo } from './chunks.ts'
import { checkCell, checkSize } from './geometry.ts'
import { ChunkSet, evictedError } from './chunkset.ts'
import { applyAction, type ActionResult } from './actions.ts'
import { readCell, writeFields, type CellFields, type CellState } from './cells.ts'
import { Players, type Player } from './players.ts'
import { Hash64, hashTree, rand32, toHex } from './hash.ts'
import { SH, SLOT_FLAG, WH, pos } from './layout.ts'
import { chunkHashOf, type Planes } from './slot.ts'
import { chunkDiffs, productionOf, storedIn, type ChunkDiff } from './reports.ts'
import { jsBackend, type TickBackend, type TickInput } from './tick.ts'
import { seedHalves, type Seed } from './generate.ts'
import { activeChunks, evictedNeededBy, neighbourCache, type Reach } from './residency.ts'
import { HexdError } from '../errors.ts'

export interface WorldOptions {
  /** World seed: a non-negative safe integer. */
  seed: number
  /** Frequency n (1..2^24). */
  size: number
  /** Chunk rings around each online player's chunk that are ticked (default 1). */
  activeRadius?: number
  /** Tick every chunk of the world (offline sim / bench; default: only when the world has <= 64 chunks). */
  allActive?: boolean
  /** Initial slot capacity (default 64; grows by doubling). */
  capacity?: number
  /** Allocates the state buffer (e.g. shared memory for the native worker). */
  allocate?: (bytes: number) => ArrayBufferLike
  /** Stored chunk bytes (World.chunkBytes format) for a chunk, or undefined to generate it. */
  loadChunk?: (chunk: number) => Uint8Array | undefined
  /** Compute backend (default: the TS reference). */
  backend?: TickBackend
  /** Fetches evicted chunks' bytes back from a store (see World.evictChunk); also settable later as `world.fetchChunks`. */
  fetchChunks?: (chunks: number[]) => Promise<Array<Uint8Array | undefined>>
}

/** One changed cell in a diff: id + all fields. */
export type CellDiff = CellState

export type { ChunkDiff } from './reports.ts'

/** What a step reports. */
export interface TickResult {
  tick: number
  /** World hash after the step (16 hex chars). */
  hash: string
  /** One result per action, in order. */
  results: ActionResult[]
  /** Chunks whose cells changed (by rules or actions), ascending. */
  changedChunks: number[]
  /** Cells the backend updated (not skipped as asleep). */
  cellsUpdated: number
}

export class World {
  readonly seed: number
  readonly size: number
  readonly chunks: ChunkSet
  players: Players
  backend: TickBackend
  readonly activeRadius: number
  readonly allActive: boolean
  private seedH: Seed
  private lastChanged: number[] = []
  private lastTouched: number[] = []
  private lastDiffSlots: number[] = []
  private stepping = false
  /** True while stepAsync fetches evicted chunks (eviction is refused meanwhile). */
  private preparing = false
  /** Where evicted chunks come back from (the store sets it when it evicts). */
  fetchChunks?: (chunks: number[]) => Promise<Array<Uint8Array | undefined>>
  /** Size, active radius and (cached) chunk neighbours, for residency.ts. */
  private readonly reach: Reach

  constructor(opts: WorldOptions) {
    checkSize(opts.size)
    if (!Number.isSafeInteger(opts.seed) || opts.seed < 0) {
      throw new HexdError('HEXD_BAD_OPTION', `seed must be a non-negative integer, got ${JSON.stringify(opts.seed)}`, { field: 'seed' })
    }
    this.seed = opts.seed
    this.size = opts.size
    this.seedH = seedHalves(opts.seed)
    this.activeRadius = opts.activeRadius ?? 1
    this.allActive = opts.allActive ?? chunkCount(opts.size) <= 64
    this.reach = { n: opts.size, radius: this.activeRadius, neighbours: neighbourCache(opts.size) }
    const capacity = this.allActive ? chunkCount(opts.size) : opts.capacity
    this.chunks = new ChunkSet({ seed: this.seedH, n: opts.size, capacity, allocate: opts.allocate, loadChunk: opts.loadChunk })
    this.players = new Players()
    this.backend = opts.backend ?? jsBackend()
    this.fetchChunks = opts.fetchChunks
    this.host.n = opts.size
    this.host.players = this.players
    this.updateActive()
  }

  /** The committed tick (0 before the first step). */
  get tick(): number {
    return this.chunks.wh[WH.TICK_LO] + this.chunks.wh[WH.TICK_HI] * 4294967296
  }

  /** The state buffer (layout.ts). Replaced when it grows: check bufferVersion. */
  get buffer(): ArrayBufferLike { return this.chunks.buffer }
  get bufferVersion(): number { return this.chunks.bufferVersion }

  /** What a backend ticks (buffer, slot views, direction maps, active slots). */
  tickInput(): TickInput {
    return { buffer: this.chunks.buffer, slots: this.chunks.slots, dirmaps: this.chunks.dirmaps, active: this.chunks.active, written: this.chunks }
  }

  /**
   * Applies `actions` in order, then ticks once (synchronous backends only;
   * use stepAsync with thread/process backends).
   * @example world.step([{ type: 'join', player: 'p1' }]).hash
   */
  step(actions: readonly unknown[] = []): TickResult {
    const { results, touched } = this.beginStep(actions)
    const out = this.backend.tick(this.tickInput())
    if (out instanceof Promise) throw new HexdError('HEXD_INTERNAL', `backend ${this.backend.name} is asynchronous: use stepAsync`)
    return this.endStep(results, touched, out.changedSlots, out.cellsUpdated)
  }

  /** Like step, for any backend; first fetches back any evicted chunk the actions may need. */
  async stepAsync(actions: readonly unknown[] = []): Promise<TickResult> {
    if (this.chunks.evicted.size > 0) {
      const need = this.evictedNeededBy(actions)
      if (need.length > 0) {
        this.preparing = true
        try { await this.loadEvicted(need) } finally { this.preparing = false }
      }
    }
    const { results, touched } = this.beginStep(actions)
    const out = await this.backend.tick(this.tickInput())
    return this.endStep(results, touched, out.changedSlots, out.cellsUpdated)
  }

  private touched: number[] = []

  private beginStep(actions: readonly unknown[]): { results: ActionResult[]; touched: number[] } {
    if (this.stepping) throw new HexdError('HEXD_INTERNAL', 'World.step called while a step is in progress')
    // Checked before anything changes: a step never fails half-applied for want of a chunk.
    if (this.chunks.evicted.size > 0) {
      const need = this.evictedNeededBy(actions)
      if (need.length > 0) throw evictedError(need[0])
    }
    this.stepping = true
    const tick = this.tick + 1
    const results = actions.map((a) => applyAction(this.host, a, tick))
    // Cells written since the last step (actions, debugSetCell): their chunks are rehashed after the tick.
    const touched = this.touched
    this.touched = []
    this.updateActive()
    return { results, touched }
  }

  private endStep(results: ActionResult[], touched: number[], changedSlots: number[], cellsUpdated: number): TickResult {
    const tick = this.tick + 1
    this.chunks.commit(tick)
    const cs = this.chunks
    for (const s of changedSlots) cs.slots[s]!.hdr[SH.FLAGS] |= SLOT_FLAG.MODIFIED
    const changed = new Set<number>(changedSlots.map((s) => cs.chunkOfSlot[s]))
    const touchedChunks = new Set<number>()
    for (const id of touched) touchedChunks.add(cellToChunk(this.size, id).chunk)
    for (const c of touchedChunks) {
      const s = cs.slotOf(c)
      if (s === undefined) continue
      const sv = cs.slots[s]!
      const [lo, hi] = chunkHashOf(sv.copies[cs.cur], sv.hdr)
      sv.hdr[SH.HASH_LO] = lo
      sv.hdr[SH.HASH_HI] = hi
      changed.add(c)
    }
    this.lastChanged = [...changed].sort((a, b) => a - b)
    this.lastTouched = touched
    this.lastDiffSlots = changedSlots
    this.stepping = false
    return { tick, hash: this.hash(), results, changedChunks: this.lastChanged, cellsUpdated }
  }

  /** Evicted chunks that a step with `actions` may load, ascending (see residency.ts). */
  evictedNeededBy(actions: readonly unknown[]): number[] {
    return evictedNeededBy(this.reach, this.chunks.evicted, actions, this.players, (index) => this.spawnCell(index))
  }

  /**
   * Drops a parked (modified, not resident, no structures) chunk's bytes from
   * memory: the caller has stored them and `fetchChunks` gives them back when
   * a step or read needs the chunk. The hash is unchanged. Refused (false)
   * while a step is being prepared or run, or for a chunk that is not parked.
   * @example if (world.evictChunk(12)) freed += CHUNK_BYTES
   */
  evictChunk(chunk: number): boolean {
    if (this.stepping || this.preparing || !this.fetchChunks) return false
    return this.chunks.evict(chunk)
  }

  /** Evicted chunk ids, ascending. */
  evictedChunks(): number[] { return [...this.chunks.evicted.keys()].sort((a, b) => a - b) }

  /** Parked chunk ids (modified, not resident, bytes in memory), oldest parked first. */
  parkedChunks(): number[] { return [...this.chunks.parked.keys()] }

  /** Fetches evicted chunks back through `fetchChunks` (checked: same bytes as evicted). */
  async loadEvicted(chunks: readonly number[]): Promise<void> {
    const want = chunks.filter((c) => this.chunks.evicted.has(c))
    if (want.length === 0) return
    if (!this.fetchChunks) throw new HexdError('HEXD_INTERNAL', 'chunks were evicted but the world has no fetchChunks')
    const got = await this.fetchChunks(want)
    want.forEach((c, k) => {
      const b = got[k]
      if (!b) throw new HexdError('HEXD_BAD_STORED_DATA', `evicted chunk ${c} was not found in the store`, { field: 'chunk' })
      this.chunks.unevict(c, b)
    })
  }

  /** Throws HEXD_CHUNK_LOADING for an evicted chunk (and starts fetching it back), so a read can be retried. */
  private readable(chunk: number): void {
    if (!this.chunks.evicted.has(chunk)) return
    if (this.fetchChunks) void this.loadEvicted([chunk]).catch(() => {})
    throw evictedError(chunk)
  }

  /** Recomputes the active set from players and structures. */
  private updateActive(): void {
    this.chunks.setActive(activeChunks(this.reach, this.allActive, this.chunks.structChunks, this.players), this.reach.neighbours)
  }

  /** The action host: cell reads/writes with bookkeeping. */
  private readonly host = {
    n: 0,
    players: undefined as unknown as Players,
    read: (id: number): CellState => this.cell(id),
    owner: (id: number): number => this.ownerOf(id),
    write: (id: number, f: Partial<CellFields>): void => this.writeCell(id, f),
    spawnCell: (index: number): number => this.spawnCell(index),
  }

  /** Default spawn: a cell chosen by hash of (seed, player index). */
  spawnCell(index: number): number {
    const cells = 10 * this.size * this.size
    const r = rand32(this.seedH.lo, this.seedH.hi, 0, index, 0, 77) + rand32(this.seedH.lo, this.seedH.hi, 0, index, 1, 77) * 4294967296
    return 2 + (r % cells)
  }

  private writeCell(id: number, f: Partial<CellFields>): void {
    const { chunk, i, j } = cellToChunk(this.size, id)
    const cs = this.chunks
    const s = cs.ensure(chunk)
    const sv = cs.slots[s]!
    const q = pos(i, j)
    const before = sv.copies[cs.cur].struct[q]
    writeFields(sv, q, f)
    cs.noteWritten(s)
    const after = sv.copies[cs.cur].struct[q]
    if (before === 0 && after !== 0) sv.hdr[SH.STRUCTURES]++
    if (before !== 0 && after === 0) sv.hdr[SH.STRUCTURES]--
    if (sv.hdr[SH.STRUCTURES] > 0) cs.structChunks.add(chunk)
    else cs.structChunks.delete(chunk)
    sv.hdr[SH.FLAGS] = (sv.hdr[SH.FLAGS] | SLOT_FLAG.MODIFIED) & ~SLOT_FLAG.ASLEEP
    this.touched.push(id)
  }

  /**
   * Writes cell fields directly, bypassing actions and ownership (tests, tools,
   * hand-built rule cases). Takes effect like an action: before the next tick.
   */
  debugSetCell(id: number, fields: Partial<CellFields>): void {
    checkCell(this.size, id)
    this.writeCell(id, fields)
  }

  /** A cell's current state (loads its chunk if needed). */
  cell(id: number): CellState {
    checkCell(this.size, id)
    const { chunk, i, j } = cellToChunk(this.size, id)
    return readCell(this.currentPlanes(chunk), pos(i, j), id)
  }

  /** A cell's owner (a player index, 0 = none): `cell(id).owner` without building the cell. */
  ownerOf(id: number): number {
    checkCell(this.size, id)
    const { chunk, i, j } = cellToChunk(this.size, id)
    return this.currentPlanes(chunk).owner[pos(i, j)]
  }

  /** The current copy of a chunk's planes, for a read (loads the chunk if needed). */
  private currentPlanes(chunk: number): Planes {
    const cs = this.chunks
    this.readable(chunk)
    return cs.slots[cs.ensure(chunk)]!.copies[cs.cur]
  }

  /** All real cells of a chunk (loads it if needed), row-major. */
  chunkCells(chunk: number): CellState[] {
    const info = chunkInfo(this.size, chunk)
    const cs = this.chunks
    this.readable(chunk)
    const s = cs.ensure(chunk)
    const sv = cs.slots[s]!
    const p = sv.copies[cs.cur]
    const base = sv.hdr[SH.BASE_LO] + sv.hdr[SH.BASE_HI] * 4294967296
    const out: CellState[] = []
    for (let i = 0; i < info.rows; i++) for (let j = 0; j < info.cols; j++) out.push(readCell(p, pos(i, j), base + i * this.size + j))
    return out
  }

  /** Per-chunk diffs of the last step: every cell changed by the rules or by an action. */
  diffs(): ChunkDiff[] {
    return chunkDiffs(this.chunks, this.size, this.lastDiffSlots, this.lastTouched)
  }

  /** World hash (16 hex): Hash64(tree root lo, hi, tick, seed, n, players lo, hi). */
  hash(): string {
    const [rlo, rhi] = hashTree(this.chunks.hashLeaves())
    const [plo, phi] = this.players.hash()
    const h = new Hash64()
    h.word(rlo); h.word(rhi); h.int(this.tick); h.word(this.seedH.lo); h.word(this.seedH.hi); h.word(this.size); h.word(plo); h.word(phi)
    return h.hex()
  }

  /** A resident or parked chunk's hash (16 hex). */
  chunkHash(chunk: number): string {
    const cs = this.chunks
    const p = cs.parked.get(chunk)
    const h = p ? new Uint32Array(p.buffer.slice(p.byteOffset + 16, p.byteOffset + 16 + 64))
      : cs.evicted.get(chunk) ?? cs.slots[cs.slotOf(chunk) ?? cs.ensure(chunk)]!.hdr
    return toHex(h[SH.HASH_LO], h[SH.HASH_HI])
  }

  /** Players in index order. */
  playerList(): Player[] { return this.players.all().map(Players.view) }
  /** One player by id. */
  player(id: string): Player | undefined {
    const p = this.players.get(id)
    return p ? Players.view(p) : undefined
  }

  /** Chunk ids ticked in the last step, ascending. */
  activeChunks(): number[] { return this.chunks.active.map((s) => this.chunks.chunkOfSlot[s]).sort((a, b) => a - b) }
  /** Chunk ids in memory, ascending. */
  residentChunks(): number[] { return this.chunks.resident() }
  /** Chunk ids that differ from generation (resident, parked or evicted): the ones to store. */
  modifiedChunks(): number[] {
    const out = [...this.chunks.parked.keys(), ...this.chunks.evicted.keys()]
    for (const [c, s] of this.chunks.slotOfChunk) if ((this.chunks.slots[s]!.hdr[SH.FLAGS] & SLOT_FLAG.MODIFIED) !== 0) out.push(c)
    return out.sort((a, b) => a - b)
  }
  /** A chunk's bytes (for the store); restore with the loadChunk option. */
  chunkBytes(chunk: number): Uint8Array { return this.chunks.chunkBytes(chunk) }

  /** Items produced by machines and extractors since the world began, by item name (non-zero only). */
  production(): Record<string, number> { return productionOf(this.chunks) }

  /** Items held in storages, by item name (non-zero only). */
  stored(): Record<string, number> { return storedIn(this.chunks) }

  /** Replaces the player registry (restore). */
  setPlayers(p: Players): void {
    this.players = p
    this.host.players = p
    this.updateActive()
  }
}
