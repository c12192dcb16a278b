/**
 * The viewer's local state buffer: the confirmed cells of the watched chunks,
 * built from the `snapshot` and then the `diff` messages of `world:main`, in
 * outbox order (`seq`), plus optimistic predictions of the player's own actions
 * laid over them until the server confirms (kept until a message at or after
 * the action's tick has arrived) or rejects them (dropped at once: a rollback).
 *
 * Pure: no DOM, no three.js, no React, so tap tests it directly.
 *
 * @example
 * const buf = new WorldBuffer()
 * buf.accept(1) && buf.applySnapshot({ seq: 1, tick: 10, chunks: [{ id: 0, cells: [{ id: 0, terrain: 6 }] }] })
 * buf.predict(5, { type: 'claim', cell: 0 }, 1)   // the cell shows owner 1 at once
 * buf.resolve(5, { ok: false, code: 'HEXD_NOT_OWNER', reason: '…' })  // rolled back: owner 0 again
 */
import { ITEM_NAMES, KIND, prototypeById, prototypeByName, recipeByName } from '../../src/engine/content.ts'
import { CLEARED_STRUCTURE, FIELD_NAMES, type CellFields } from '../../src/engine/cells.ts'
import type { ActionReply, DiffPayload, SnapshotPayload, ViewerAction, WireCell } from './wire.ts'

/** The structure fields a `remove` clears: the engine's own list. */
const STRUCTURE_FIELDS = Object.keys(CLEARED_STRUCTURE) as Array<keyof CellFields>

interface Prediction {
  cell: number
  predicted: WireCell
  /** Set by an ok reply: the tick the action was applied at. */
  confirmTick?: number
}

/** True when both cells have the same value (0 when absent) in every field. */
export function sameCell(a: WireCell, b: WireCell): boolean {
  for (const k of FIELD_NAMES) if ((a[k] ?? 0) !== (b[k] ?? 0)) return false
  return a.id === b.id
}

/**
 * What the cell will most likely look like once `action` by player `me`
 * (its index) is applied, or null when the action does not change the cell's
 * fields (a move changes the player, not the cell). Throws for an unknown
 * structure name, since the server would refuse it too.
 * @example predictCell({ id: 3, terrain: 2 }, { type: 'claim', cell: 3 }, 2) // => { id: 3, terrain: 2, owner: 2 }
 */
export function predictCell(cell: WireCell, action: ViewerAction, me: number): WireCell | null {
  switch (action.type) {
    case 'claim': return { ...cell, owner: me }
    case 'place': {
      const proto = prototypeByName(action.proto)
      if (!proto) throw new Error(`unknown structure ${JSON.stringify(action.proto)}`)
      // What the engine writes: a belt's input (default: behind), a machine's recipe or a storage's filter.
      let recipe = 0
      const dir = action.dir ?? 0
      if (proto.kind === KIND.CONVEYOR || proto.kind === KIND.SPLITTER) recipe = action.input ?? (dir + 3) % 6
      else if (action.recipe !== undefined) {
        const id = recipeIdFor(proto.id, action.recipe)
        if (id === null) return null
        recipe = id
      }
      const out: WireCell = { ...cell, struct: proto.id, owner: cell.owner || me, dir, recipe }
      return strip(out)
    }
    case 'remove': {
      const out: WireCell = { ...cell }
      for (const k of STRUCTURE_FIELDS) delete out[k]
      return out
    }
    case 'rotate': {
      const kind = prototypeById(cell.struct ?? 0)?.kind
      if (!cell.struct || !kind || !ROTATABLE.has(kind)) return null
      const out: WireCell = { ...cell, dir: action.dir }
      // A belt's input: the one sent, else behind (as the engine does for a rotate without `input`).
      if (kind === KIND.CONVEYOR || kind === KIND.SPLITTER) out.recipe = action.input ?? (action.dir + 3) % 6
      return strip(out)
    }
    case 'set_recipe': {
      const id = recipeIdFor(cell.struct ?? 0, action.recipe)
      if (id === null || id === (cell.recipe ?? 0)) return null
      // A new recipe empties the machine's buffers (they go back to the inventory).
      const proto = prototypeById(cell.struct!)!
      const out: WireCell = proto.kind === KIND.MACHINE ? { ...cell, recipe: id, inA: 0, inB: 0, progress: 0, count: 0, item: 0 } : { ...cell, recipe: id }
      return strip(out)
    }
    case 'move': return null
  }
}

/** Structure kinds a `rotate` turns (src/engine/actions.ts). */
const ROTATABLE = new Set<number>([KIND.EXTRACTOR, KIND.CONVEYOR, KIND.SPLITTER, KIND.MACHINE])

/** Drops zero fields, as the wire does (a missing field is 0). */
function strip(c: WireCell): WireCell {
  for (const k of FIELD_NAMES) if (c[k] === 0) delete c[k]
  return c
}

/**
 * The value a `set_recipe` of `name` writes into the recipe field of a cell holding structure
 * `struct`: a recipe id of the machine's category, an item id for a storage's filter; null when
 * the structure takes no such recipe (the server would refuse it).
 * @example recipeIdFor(4, 'iron_plate') // => 1 (smelter)
 */
export function recipeIdFor(struct: number, name: string): number | null {
  const proto = prototypeById(struct)
  if (!proto) return null
  if (proto.kind === KIND.STORAGE) return name !== 'none' && (ITEM_NAMES as readonly string[]).includes(name) ? (ITEM_NAMES as readonly string[]).indexOf(name) : null
  if (proto.kind !== KIND.MACHINE) return null
  const r = recipeByName(name)
  return r && r.category === proto.category ? r.id : null
}

export class WorldBuffer {
  /** The last outbox seq applied (0: none yet). */
  lastSeq = 0
  /** The newest tick any applied message carried. */
  tick = 0
  /** How many times a seq was skipped (messages lost; the server resyncs with a snapshot). */
  gaps = 0
  /** How many messages were refused as already applied (a replay after a reconnect). */
  duplicates = 0
  /** The first seq accepted since this buffer was made or restored (0: none yet). */
  firstSeq = 0
  private readonly cells = new Map<number, WireCell>()
  private readonly chunkCells = new Map<number, number[]>()
  private readonly predictions = new Map<number, Prediction>()
  /** Per cell, the refs of its pending predictions, oldest first (the newest is shown). */
  private readonly pendingByCell = new Map<number, number[]>()

  /**
   * Whether the outbox message with this seq is new and should be applied.
   * Replays after a reconnect repeat seqs: those answer false. A jump counts as a gap.
   */
  accept(seq: number): boolean {
    if (!Number.isSafeInteger(seq) || seq < 1) throw new Error(`seq must be a positive integer, got ${JSON.stringify(seq)}`)
    if (seq <= this.lastSeq) { this.duplicates++; return false }
    if (this.lastSeq > 0 && seq !== this.lastSeq + 1) this.gaps++
    if (!this.firstSeq) this.firstSeq = seq
    this.lastSeq = seq
    return true
  }

  /**
   * A new session (the old one is gone, e.g. the daemon restarted): its outbox starts again at
   * seq 1, and the cells are forgotten until its snapshot.
   */
  restart(): void {
    this.lastSeq = 0
    this.reset()
  }

  /** Forgets every cell (a resync: the next snapshot is the whole truth). Predictions stay. */
  reset(): void {
    this.cells.clear()
    this.chunkCells.clear()
  }

  /**
   * Replaces the listed chunks' contents. Returns the ids of cells whose shown
   * state may have changed, and whether the set of chunks grew (the renderer
   * then rebuilds its mesh).
   */
  applySnapshot(p: SnapshotPayload): { changed: number[]; chunksAdded: number[] } {
    const changed: number[] = []
    const chunksAdded: number[] = []
    for (const ch of p.chunks) {
      const old = this.chunkCells.get(ch.id)
      if (!old) chunksAdded.push(ch.id)
      else for (const id of old) this.cells.delete(id)
      const ids: number[] = []
      for (const c of ch.cells) { this.cells.set(c.id, c); ids.push(c.id); changed.push(c.id) }
      this.chunkCells.set(ch.id, ids)
    }
    this.observeTick(p.tick, changed)
    return { changed, chunksAdded }
  }

  /** Replaces the listed cells (each is its full state). Cells of unknown chunks are ignored. */
  applyDiff(p: DiffPayload): { changed: number[] } {
    const changed: number[] = []
    for (const ch of p.chunks) {
      if (!this.chunkCells.has(ch.id)) continue
      for (const c of ch.cells) { this.cells.set(c.id, c); changed.push(c.id) }
    }
    this.observeTick(p.tick, changed)
    return { changed }
  }

  /**
   * Notes that the server has reached `tick` (any outbox message carries one) and drops the
   * confirmed predictions it covers. Ids whose shown state changed are pushed onto `changed`.
   */
  observeTick(tick: number, changed: number[] = []): number[] {
    if (tick > this.tick) this.tick = tick
    for (const [ref, p] of this.predictions) {
      if (p.confirmTick !== undefined && this.tick >= p.confirmTick) { this.drop(ref); changed.push(p.cell) }
    }
    return changed
  }

  /** The confirmed state of a cell, or undefined when it is not in a watched chunk. */
  cell(id: number): WireCell | undefined { return this.cells.get(id) }

  /** What to show for a cell: its newest pending prediction, else its confirmed state. */
  view(id: number): WireCell | undefined {
    const refs = this.pendingByCell.get(id)
    if (refs?.length) return this.predictions.get(refs[refs.length - 1])!.predicted
    return this.cells.get(id)
  }

  /** True while some action on this cell awaits its confirmation. */
  isPending(id: number): boolean { return (this.pendingByCell.get(id)?.length ?? 0) > 0 }

  /** Number of predictions not yet resolved or settled. */
  get pending(): number { return this.predictions.size }

  /** Every cell id held, chunk by chunk in the order the chunks arrived. */
  cellIds(): number[] {
    const out: number[] = []
    for (const ids of this.chunkCells.values()) for (const id of ids) out.push(id)
    return out
  }

  /** The chunk ids held. */
  chunkIds(): number[] { return [...this.chunkCells.keys()] }

  /** Whether chunk `id` is held. */
  hasChunk(id: number): boolean { return this.chunkCells.has(id) }

  /**
   * Forgets the held chunks that are not in `watched` (they left the area of interest: the server
   * no longer sends their diffs, so their cells would go stale). Pending predictions on their
   * cells are dropped too. Returns the chunk ids removed and the ids of their cells.
   * @example buf.keepOnly([3, 4]) // => { chunksRemoved: [7], cells: [ ...chunk 7's cell ids ] }
   */
  keepOnly(watched: Iterable<number>): { chunksRemoved: number[]; cells: number[] } {
    const keep = new Set(watched)
    const chunksRemoved: number[] = []
    const cells: number[] = []
    for (const [ch, ids] of this.chunkCells) {
      if (keep.has(ch)) continue
      chunksRemoved.push(ch)
      this.chunkCells.delete(ch)
      for (const id of ids) {
        this.cells.delete(id)
        cells.push(id)
        for (const ref of this.pendingByCell.get(id) ?? []) this.predictions.delete(ref)
        this.pendingByCell.delete(id)
      }
    }
    return { chunksRemoved, cells }
  }

  /** The confirmed cells, chunk by chunk (what a reload restores, see persist.ts). */
  exportChunks(): Array<[number, WireCell[]]> {
    const out: Array<[number, WireCell[]]> = []
    for (const [ch, ids] of this.chunkCells) out.push([ch, ids.map((id) => this.cells.get(id)!)])
    return out
  }

  /**
   * Starts from saved state: the chunks as they were after outbox message `seq` (tick `tick`), so
   * the next message accepted is `seq + 1`. Only on an empty buffer.
   * @example buf.restore(42, 900, saved.chunks)
   */
  restore(seq: number, tick: number, chunks: ReadonlyArray<readonly [number, readonly WireCell[]]>): void {
    if (this.lastSeq !== 0 || this.chunkCells.size !== 0) throw new Error('restore needs an empty buffer (before any message)')
    if (!Number.isSafeInteger(seq) || seq < 0) throw new Error(`seq must be an integer >= 0, got ${JSON.stringify(seq)}`)
    for (const [ch, cells] of chunks) {
      this.chunkCells.set(ch, cells.map((c) => c.id))
      for (const c of cells) this.cells.set(c.id, c)
    }
    this.lastSeq = seq
    this.tick = tick
  }

  /** Number of cells held. */
  get size(): number { return this.cells.size }

  /**
   * Shows the predicted result of `action` (sent with push ref `ref`) at once.
   * Returns the id of the cell whose shown state changed, or null (nothing to
   * predict: a move, or a cell not held).
   */
  predict(ref: number, action: ViewerAction, me: number): number | null {
    const cell = this.view(action.cell)
    if (!cell) return null
    const predicted = predictCell(cell, action, me)
    if (!predicted) return null
    this.predictions.set(ref, { cell: action.cell, predicted })
    const refs = this.pendingByCell.get(action.cell) ?? []
    refs.push(ref)
    this.pendingByCell.set(action.cell, refs)
    return action.cell
  }

  /**
   * The server's reply to push `ref`. A rejection drops the prediction at once
   * (rollback). An acceptance keeps it until the buffer has a message at or after
   * the applied tick, so the cell does not flash back to its old state between the
   * reply and the diff that carries the change; if the confirmed cell already
   * matches, it is dropped at once. Returns the id of the cell whose shown state
   * changed, or null.
   */
  resolve(ref: number, reply: ActionReply): number | null {
    const p = this.predictions.get(ref)
    if (!p) return null
    const confirmed = this.cells.get(p.cell)
    if (!reply.ok || reply.tick === undefined || reply.tick <= this.tick || (confirmed && sameCell(confirmed, p.predicted))) {
      this.drop(ref)
      return p.cell
    }
    p.confirmTick = reply.tick
    return null
  }

  private drop(ref: number): void {
    const p = this.predictions.get(ref)
    if (!p) return
    this.predictions.delete(ref)
    const refs = this.pendingByCell.get(p.cell)!
    refs.splice(refs.indexOf(ref), 1)
    if (!refs.length) this.pendingByCell.delete(p.cell)
  }
}
