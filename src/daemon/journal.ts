/**
 * The daemon's journal hook (docs/CONTRACTS.md "The daemon's data path") and
 * its default, in-memory implementation. The store engineer's durable journal
 * implements the same interface; the daemon awaits `commit` before telling any
 * client an action was accepted. `MemoryJournal` is a real journal kept in
 * memory (it survives nothing); /healthz reports `"durability": "memory"`.
 *
 * @example
 * const j = new MemoryJournal()
 * await j.commit(5, [{ type: 'claim', player: 1, cell: 9 }])
 * j.entries.at(-1) // { tick: 5, actions: [...] }
 */
export type JournalAction = Record<string, unknown>

export interface ActionJournal {
  /**
   * Durable when it resolves. Called once per tick, in tick order, right after the step (earlier
   * commits may still be in flight). `hash`: the world hash after the step.
   */
  commit(tick: number, accepted: JournalAction[], hash?: string): Promise<void>
  close(): Promise<void>
  /** How durable commits are: 'memory', 'pglite', 'postgres'… (shown in /healthz). */
  readonly durability?: string
}

export class MemoryJournal implements ActionJournal {
  readonly durability = 'memory'
  /** Committed ticks that had accepted actions, oldest first (capped at `keep`). */
  readonly entries: Array<{ tick: number; actions: JournalAction[] }> = []
  private last = -1
  constructor(private readonly keep = 10_000) {}

  async commit(tick: number, accepted: JournalAction[]): Promise<void> {
    if (tick <= this.last) throw new Error(`journal commits must be in tick order: got ${tick} after ${this.last}`)
    this.last = tick
    if (accepted.length === 0) return
    this.entries.push({ tick, actions: accepted })
    if (this.entries.length > this.keep) this.entries.shift()
  }

  async close(): Promise<void> {}
}
