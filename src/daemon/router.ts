/**
 * The action router: one ordered queue fed by every transport. Actions
 * submitted during tick t are applied at the boundary of tick t+1, in arrival
 * order (so the first valid action wins a conflict). Their outcomes are
 * released only after that tick's journal commit (and every earlier one)
 * resolves; a tick that accepted nothing waits only for the earlier ones.
 * Each commit is handed to the journal at once, in tick order, so a
 * batching journal can group several ticks into one write; the tick loop
 * itself never waits for them.
 *
 * Outcomes are released through a callback per entry (`enqueueThen`), in
 * arrival order, synchronously one after the other; `enqueue` wraps it in a
 * promise. The hot path (a WebSocket action: a thousand per tick) takes the
 * callback: a promise and its reaction per action were a good part of the
 * allocations the young-generation GC had to sweep every tick.
 *
 * @example
 * const r = new Router(journal)
 * const { tick, results } = r.enqueue({ sessionId, playerId: 3 }, [{ type: 'claim', cell: 7 }], world.tick)
 * r.enqueueThen(who, [{ type: 'claim', cell: 8 }], world.tick, (outs, err) => reply(outs ?? err))
 * // in the tick: const batch = r.drain(); const res = world.step(batch.actions); r.settle(batch, tick, res.results).answered
 */
import type { ActionOutcome, Submitter } from '../net/types.ts'
import type { ActionJournal, JournalAction } from './journal.ts'

/** Gets the outcomes (one per action, in order) once committed, or null and the error. */
export type Done = (outs: ActionOutcome[] | null, err?: unknown) => void

interface Pending {
  who: Submitter | null
  actions: JournalAction[]
  done: Done
}

/** What one tick takes from the queue. */
export interface Batch {
  actions: JournalAction[]
  /** The submissions, in order; entry i owns the next `entries[i].actions.length` actions. */
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
    let done!: Done
    const results = new Promise<ActionOutcome[]>((res, rej) => { done = (outs, err) => (outs ? res(outs) : rej(err)) })
    return { tick: this.enqueueThen(who, actions, currentTick, done), results }
  }

  /** Like `enqueue`, with a callback instead of a promise; returns the tick they will apply at. */
  enqueueThen(who: Submitter | null, actions: JournalAction[], currentTick: number, done: Done): number {
    this.queue.push({ who, actions, done })
    this.queuedCount += actions.length
    return currentTick + 1
  }

  /** Takes everything queued, in order. */
  drain(): Batch {
    const entries = this.queue
    this.queue = []
    this.queuedCount = 0
    const actions: JournalAction[] = []
    for (const p of entries) for (const a of p.actions) actions.push(a)
    return { actions, entries }
  }

  /**
   * After `world.step(batch.actions)` gave `outcomes` (one per action, same order): journals the
   * accepted ones for `tick` (with `hash`, the world hash after the step, for a journal that records
   * it), then gives each submitter its outcomes, in order. With `after`, a submitter's entries are
   * answered together (in order of its first one) and `after(who)` runs once right after them (the
   * daemon writes that submitter's frames there).
   *
   * When are outcomes released? After this tick's commit if it accepted anything; if it accepted
   * nothing, after every EARLIER commit only. Such a tick's answers (rejections) and its state hide
   * nothing a crash could lose: the world after it is the durable world stepped forward, which the
   * engine reproduces bit for bit on recovery (docs/DECISIONS.md). Its own commit (the journal
   * head moving to it) still happens, in order, without anyone waiting on it.
   *
   * Returns `answered` (resolved once every submitter was answered; rejected, after each got the
   * error, when a commit they waited on failed) and `durable` (this tick's own commit).
   */
  settle(batch: Batch, tick: number, outcomes: ActionOutcome[], hash?: string, after?: (who: Submitter | null) => void): { answered: Promise<void>; durable: Promise<void> } {
    const accepted: JournalAction[] = []
    for (let i = 0; i < batch.actions.length; i++) if (outcomes[i]?.ok) accepted.push(batch.actions[i])
    this.inFlight++
    // Handed to the journal at once (ticks reach it in order anyway): a journal that batches — the
    // store's group commit writes every tick waiting in its queue in one statement — then catches
    // up in one write after a slow one, instead of one write per tick, each waiting for the last.
    // Outcomes are still released in tick order: each release waits for every earlier commit.
    let started: Promise<void>
    try { started = this.journal.commit(tick, accepted, hash) } catch (err) { started = Promise.reject(err) }
    started.catch(() => {}) // rejections are delivered through `commit`; this only avoids an unhandled one
    const earlier = this.commits // settles once every earlier commit has (it never rejects)
    const commit = earlier.then(() => started)
    this.commits = commit.then(() => { this.inFlight-- }, () => { this.inFlight-- })
    const gate = accepted.length > 0 ? commit : earlier
    const answered = gate.then(
      () => {
        const entries = batch.entries
        const starts: number[] = new Array(entries.length)
        for (let k = 0, i = 0; k < entries.length; k++) { starts[k] = i; i += entries[k].actions.length }
        const outsOf = (k: number): ActionOutcome[] => {
          const n = entries[k].actions.length
          const outs: ActionOutcome[] = new Array(n)
          for (let j = 0; j < n; j++) outs[j] = outcomes[starts[k] + j] ?? { ok: false, tick, code: 'HEXD_INTERNAL', reason: 'no outcome reported for this action' }
          return outs
        }
        // A throw in one submitter's callback must not keep the others from their answers.
        const answer = (k: number) => { try { entries[k].done(outsOf(k)) } catch (e) { rethrow(e) } }
        if (!after) { for (let k = 0; k < entries.length; k++) answer(k); return }
        // Grouped by submitter (the same `who` object), in order of each one's first entry: all
        // of a submitter's answers of this tick, then `after` once (one write for all of them).
        const more = new Map<Submitter, number[]>()
        const firsts: number[] = []
        for (let k = 0; k < entries.length; k++) {
          const w = entries[k].who
          if (w === null) { firsts.push(k); continue }
          const g = more.get(w)
          if (g) g.push(k)
          else { more.set(w, []); firsts.push(k) }
        }
        for (const k of firsts) {
          answer(k)
          const w = entries[k].who
          if (w !== null) for (const j of more.get(w)!) answer(j)
          try { after(w) } catch (e) { rethrow(e) }
        }
      },
      (err) => { for (const p of batch.entries) try { p.done(null, err) } catch (e) { rethrow(e) } throw err },
    )
    return { answered, durable: commit }
  }

  /** Waits for every commit started so far (resolves even when one failed). */
  flush(): Promise<void> { return this.commits }

  /** Rejects everything still queued (shutdown). */
  rejectQueued(err: unknown): void {
    const q = this.queue
    this.queue = []
    this.queuedCount = 0
    for (const p of q) try { p.done(null, err) } catch (e) { rethrow(e) }
  }
}

/** Reports a callback's throw as an uncaught error (as a throw in a promise reaction would be), later. */
function rethrow(err: unknown): void { queueMicrotask(() => { throw err }) }
