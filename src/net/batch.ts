/**
 * Work deferred to the end of the current burst of callbacks, for every
 * connection at once: one `setImmediate` runs everything added since the last
 * run. The transports use it to deliver a session's outbox once per burst (a
 * tick appends several messages to each session: action_result, diff,
 * player...) in one write, instead of one timer, one read of the outbox and one
 * write per message per connection.
 *
 * @example
 * const batch = new MacrotaskBatch()
 * batch.add(() => conn.pump())        // after the current macrotask
 * batch.flush()                        // or run them all now
 */
export class MacrotaskBatch {
  private jobs: Array<() => void> = []
  private scheduled = false
  private readonly runAll = (): void => {
    this.scheduled = false
    this.flush()
  }

  /**
   * Runs every job added so far now (and jobs they add). The daemon calls it
   * right after a tick's results are released, so their writes leave at once instead of after
   * the event loop's next poll phase (which first reads whatever frames have arrived meanwhile).
   * The pending `setImmediate` then finds nothing to do.
   */
  flush(): void {
    // Jobs may add jobs (a presence flush appends to outboxes, whose connections then queue
    // their own flush): run until none are left.
    while (this.jobs.length) {
      const jobs = this.jobs
      this.jobs = []
      for (const job of jobs) this.run(job)
    }
  }

  /** `onError` gets what a job throws (the other jobs still run). Default: rethrown asynchronously. */
  constructor(private readonly onError: (err: unknown) => void = (err) => { queueMicrotask(() => { throw err }) }) {}

  /** Runs `job` after the current macrotask, with every other job added before then. */
  add(job: () => void): void {
    this.jobs.push(job)
    this.schedule()
  }

  /** Jobs waiting to run. */
  get size(): number { return this.jobs.length }

  private schedule(): void {
    if (!this.scheduled) { this.scheduled = true; setImmediate(this.runAll) }
  }

  private run(job: () => void): void {
    try { job() } catch (err) { this.onError(err) }
  }
}
