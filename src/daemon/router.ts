/**
 * The action router: one ordered queue fed by every transport. Actions
 * submitted during tick t are applied at the boundary of tick t+1, in arrival
 * order (so the first valid action wins a conflict). Their outcomes are
 * released only after that tick's journal commit (and every earlier one)
 * resolves. Each commit is handed to the journal at once, in tick order, so a
 * batching journal can group several ticks into one write; the tick loop
 * itself never waits for them.
 *
 * @example
 * const r = new Router(journal)
 * const { tick, results } = r.enqueue({ sessionId, playerId: 3 }, [{ type: 'claim', cell: 7 }], world.tick)
 * // in the tick: const batch = r.drain(); const res = world.step(batch.actions); r.settle(batch, tick, res.results)
 */
import type { ActionOutcome, Submitter } from '../net/types.ts'
import type { ActionJournal, JournalAction } from './journal.ts'

interface Pending {
  who: Submitter | null
  actions: JournalAction[]
  resolve: (r: ActionOutcome[]) => void
  reject: (e: unknown) => void
}

/** What one tick takes from the queue. */
export interface Batch {
  actions: JournalAction[]
  /** Which pending entry each action came from. */
  owners: Pending[]
  entries: Pending[]
}

export class Router {
  private queue: Pending[] = []
  private commits: Promise<void> = Promise.resolve()
  /** Commits started but not yet resolved (a metric: journal lag). */
  inFlight = 0
  /** Actions queued right now (a metric: queue lag; checked on every submit, so O(1)). */
  get queued(): number { return this.queuedCount }
  private queuedCount = 0

  constructor(private readonly journal: ActionJournal) {}

  /**
   * Queues `actions` (each already carries `player`) for the next tick after `currentTick`.
   * `who` is null for server-originated actions (e.g. a player join).
   */
  enqueue(who: Submitter | null, actions: JournalAction[], currentTick: number): { tick: number; results: Promise<ActionOutcome[]> } {
    let resolve!: (r: ActionOutcome[]) => void
    let reject!: (e: unknown) => void
    const results = new Promise<ActionOutcome[]>((res, rej) => { resolve = res; reject = rej })
    this.queue.push({ who, actions, resolve, reject })
    this.queuedCount += actions.length
    return { tick: currentTick + 1, results }
  }

  /** Takes everything queued, in order. */
  drain(): Batch {
    const entries = this.queue
    this.queue = []
    this.queuedCount = 0
    const actions: JournalAction[] = []
    const owners: Pending[] = []
    for (const p of entries) for (const a of p.actions) { actions.push(a); owners.push(p) }
    return { actions, owners, entries }
  }

  /**
   * After `world.step(batch.actions)` gave `outcomes` (one per action, same order): journals the
   * accepted ones for `tick` (with `hash`, the world hash after the step, for a journal that records
   * it), then resolves each submitter with its outcomes. Returns the commit promise.
   */
  settle(batch: Batch, tick: number, outcomes: ActionOutcome[], hash?: string): Promise<void> {
    const accepted = batch.actions.filter((_, i) => outcomes[i]?.ok)
    const byEntry = new Map<Pending, ActionOutcome[]>()
    batch.owners.forEach((p, i) => {
      const list = byEntry.get(p) ?? []
      list.push(outcomes[i] ?? { ok: false, tick, code: 'HEXD_INTERNAL', reason: 'no outcome reported for this action' })
      byEntry.set(p, list)
    })
    this.inFlight++
    // Handed to the journal at once (ticks reach it in order anyway): a journal that batches — the
    // store's group commit writes every tick waiting in its queue in one statement — then catches
    // up in one write after a slow one, instead of one write per tick, each waiting for the last.
    // Outcomes are still released in tick order: after this tick's commit AND every earlier one.
    let started: Promise<void>
    try { started = this.journal.commit(tick, accepted, hash) } catch (err) { started = Promise.reject(err) }
    started.catch(() => {}) // rejections are delivered through `commit`; this only avoids an unhandled one
    const commit = this.commits.then(() => started)
    this.commits = commit.then(() => { this.inFlight-- }, () => { this.inFlight-- })
    return commit.then(
      () => { for (const p of batch.entries) p.resolve(byEntry.get(p) ?? []) },
      (err) => { for (const p of batch.entries) p.reject(err); throw err },
    )
  }

  /** Waits for every commit started so far. */
  flush(): Promise<void> { return this.commits }

  /** Rejects everything still queued (shutdown). */
  rejectQueued(err: unknown): void {
    const q = this.queue
    this.queue = []
    this.queuedCount = 0
    for (const p of q) p.reject(err)
  }
}
