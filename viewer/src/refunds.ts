/**
 * Items an action of the player's own returns to its inventory, shown before the server's
 * `player` record says so (pure). The engine (src/engine/actions.ts) refunds a machine's input
 * buffers (by its old recipe's inputs) and output buffer when `set_recipe` changes its recipe,
 * and a structure's buffers, a machine's inputs and a storage's stock on `remove`. The refund is
 * read from the cell as shown when the action is sent; the server's record, which follows the
 * reply at the tick that applied the action, replaces the guess (it may differ by what the
 * machine consumed or received meanwhile).
 *
 * @example
 * refundOf({ id: 9, struct: 4, recipe: 1, inA: 3 }, { type: 'set_recipe', cell: 9, recipe: 'copper_plate' }) // => { iron_ore: 3 }
 * const r = new PendingRefunds(); r.add(7, { iron_ore: 3 })
 * r.shown({ iron_ore: 1 })   // => { iron_ore: 4 }
 * r.resolve(7, { ok: true, tick: 120 }); r.observe(120)
 * r.shown({ iron_ore: 4 })   // => { iron_ore: 4 } (the server's record has it now)
 */
import { ITEM_NAMES, KIND, prototypeById, recipeById } from '../../src/engine/content.ts'
import { recipeIdFor } from './state.ts'
import type { ActionReply, ViewerAction, WireCell } from './wire.ts'

export type Items = Record<string, number>

function addTo(out: Items, item: number, n: number): void {
  if (item > 0 && n > 0) { const k = ITEM_NAMES[item] ?? `item ${item}`; out[k] = (out[k] ?? 0) + n }
}

/**
 * What `action` returns to the player's inventory when applied to `cell` (as shown), by item
 * name; null when it returns nothing (other actions, empty buffers, an unchanged or unknown
 * recipe, which the server refuses or ignores).
 */
export function refundOf(cell: WireCell | undefined, action: ViewerAction): Items | null {
  if (!cell) return null
  const p = prototypeById(cell.struct ?? 0)
  if (!p) return null
  const out: Items = {}
  const inputs = (): void => {
    const r = recipeById(cell.recipe ?? 0)
    if (r) { addTo(out, r.a, cell.inA ?? 0); if (r.b) addTo(out, r.b, cell.inB ?? 0) }
  }
  if (action.type === 'set_recipe') {
    if (p.kind !== KIND.MACHINE) return null
    const id = recipeIdFor(p.id, action.recipe)
    if (id === null || id === (cell.recipe ?? 0)) return null
    inputs()
    addTo(out, cell.item ?? 0, cell.count ?? 0)
  } else if (action.type === 'remove') {
    addTo(out, cell.item ?? 0, cell.count ?? 0)
    if (p.kind === KIND.STORAGE) addTo(out, cell.recipe ?? 0, cell.stock ?? 0)
    if (p.kind === KIND.MACHINE) inputs()
  } else return null
  return Object.keys(out).length ? out : null
}

/**
 * Refunds of actions sent and not yet in a `player` record from the server. One is dropped
 * when its action is refused, or once a record of the tick that applied it (or later) arrived.
 */
export class PendingRefunds {
  private readonly byRef = new Map<number, { items: Items; tick: number }>()
  /** The newest tick of a `player` record seen. */
  private seen = -1

  /** Action `ref` is expected to return `items`. */
  add(ref: number, items: Items): void { this.byRef.set(ref, { items, tick: Infinity }) }

  /** The reply to action `ref`: refused, it returns nothing; applied at a tick already recorded, it is in the record. */
  resolve(ref: number, reply: ActionReply): void {
    const e = this.byRef.get(ref)
    if (!e) return
    if (!reply.ok || reply.tick === undefined || reply.tick <= this.seen) this.byRef.delete(ref)
    else e.tick = reply.tick
  }

  /** A `player` record of tick `tick` arrived: it holds the refunds of actions applied up to it. */
  observe(tick: number): void {
    if (tick > this.seen) this.seen = tick
    for (const [ref, e] of this.byRef) if (e.tick <= tick) this.byRef.delete(ref)
  }

  /** Forgets everything (a new join: its player record is the truth). */
  clear(): void { this.byRef.clear(); this.seen = -1 }

  get size(): number { return this.byRef.size }

  /** The inventory to show: the server's `inv` plus the pending refunds. */
  shown(inv: Items): Items {
    if (!this.byRef.size) return inv
    const out: Items = { ...inv }
    for (const e of this.byRef.values()) for (const k in e.items) out[k] = (out[k] ?? 0) + e.items[k]
    return out
  }
}
