/**
 * Production events derived from the engine's per-tick chunk diffs, so the
 * analytics can count production per player and per item without the engine
 * reporting events. It follows the rules of src/engine/rules.ts exactly:
 * - an extractor produced 1 item of its resource when its cell's `amt` went
 *   down by one (extraction is the only thing that lowers it);
 * - a machine produced `outCount` of its recipe's output when its `progress`
 *   went from >= the recipe's ticks to 0 with the same recipe (the only way
 *   a finished craft resets it).
 * The producer is the cell's `owner` (a player index), mapped to the player id.
 *
 * It needs every tick's diffs in order and the previous state of each
 * producing cell: a cell first seen while already working (e.g. right after
 * a restart) is tracked from that tick on, so at most one craft per machine
 * can go uncounted then. The engine's own totals (`world.production()`) stay
 * the reference; test/bus/production.test.ts checks the two agree.
 *
 * @example
 * const p = new ProductionTracker((i) => world.playerList()[i - 1]?.id)
 * for (const d of world.diffs()) events.push(...p.observe(d.chunk, d.cells))
 */
import { ITEM_NAMES, KIND, PROTOTYPES, RECIPES } from '../engine/index.ts'

export type ProductionEvent = { type: 'produced'; item: string; count: number; chunk: number; cell: number; player?: string }

type Cell = { id: number; [field: string]: unknown }
interface Seen { struct: number; recipe: number; progress: number; amt: number; res: number }

const KIND_OF = new Map(PROTOTYPES.map((p) => [p.id, p.kind]))
const RECIPE_OF = new Map(RECIPES.map((r) => [r.id, r]))
const num = (v: unknown): number => (typeof v === 'number' ? v : 0) // wire cells omit zero fields

export class ProductionTracker {
  private readonly seen = new Map<number, Seen>()

  /** `ownerId(index)` maps an owner index (the OWNER plane) to a player id. */
  constructor(private readonly ownerId: (index: number) => string | undefined) {}

  /** Producing cells tracked now. */
  get tracked(): number { return this.seen.size }

  /** Feeds the changed cells of `chunk` for one tick; returns what they produced. */
  observe(chunk: number, cells: readonly Cell[]): ProductionEvent[] {
    const out: ProductionEvent[] = []
    for (const c of cells) {
      const cur: Seen = { struct: num(c.struct), recipe: num(c.recipe), progress: num(c.progress), amt: num(c.amt), res: num(c.res) }
      const kind = KIND_OF.get(cur.struct)
      if (kind !== KIND.EXTRACTOR && kind !== KIND.MACHINE) { this.seen.delete(c.id); continue }
      const prev = this.seen.get(c.id)
      this.seen.set(c.id, cur)
      if (!prev || prev.struct !== cur.struct) continue
      let item: string | undefined, count = 0
      if (kind === KIND.EXTRACTOR) {
        if (prev.res !== 0 && cur.amt === prev.amt - 1) { item = ITEM_NAMES[prev.res]; count = 1 }
      } else {
        const r = RECIPE_OF.get(cur.recipe)
        if (r && prev.recipe === cur.recipe && prev.progress >= r.ticks && cur.progress === 0) { item = ITEM_NAMES[r.out]; count = r.outCount }
      }
      if (item === undefined) continue
      const owner = num(c.owner)
      const player = owner ? this.ownerId(owner) : undefined
      out.push({ type: 'produced', item, count, chunk, cell: c.id, ...(player !== undefined ? { player } : {}) })
    }
    return out
  }
}
