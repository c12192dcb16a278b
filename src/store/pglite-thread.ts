/**
 * PGlite on its own thread: the main thread's end of `pglite-worker.mjs`.
 *
 * Why a thread: PGlite is Postgres compiled to WASM, so in the daemon's process
 * every statement runs as JavaScript on whatever thread calls it. On the
 * daemon's event loop that was a quarter of its CPU under `hexd bench net`
 * (journal commits, write-behind chunk rows, snapshots) and, worse, long
 * statements held up ticks and socket writes while they ran. On a thread of
 * its own the loop only posts a message and gets the rows back.
 *
 * Calls are answered in the order they were made (the worker runs one at a
 * time). The worker keeps the process alive only while a call is pending, so
 * a CLI command that forgets nothing open still exits.
 *
 * Waiting answers (`waitMs`, seventh session). An answer normally reaches the
 * caller when the event loop gets to the thread's message. Under `hexd bench
 * net` (1000 clients) the journal commit itself took ~1 ms on the thread, but
 * its answer then sat 6 ms (p90) to 33 ms (p99) behind socket reads, GC and
 * the previous tick's writes before the loop picked it up (timestamps on both
 * sides), and every reply of the tick waits for that commit. With `waitMs` the
 * caller blocks on a shared answer counter (Atomics.wait, at most `waitMs`) and
 * takes the answer from the channel at once (receiveMessageOnPort), so the
 * promise settles before the loop runs anything else; past `waitMs` the
 * answer arrives as usual.
 *
 * @example
 * const t = await PGliteThread.start('/tmp/db/pgdata')
 * await t.query('select 1 as x', [])  // { rows: [{ x: 1 }], affectedRows: 0 }
 * await t.close()
 */
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads'
import type { PGliteLike } from './kysely-pglite.ts'

interface Call { resolve: (v: any) => void; reject: (e: Error) => void }
interface Reply { id: number; ok: boolean; out?: unknown; error?: Record<string, unknown> & { name: string; message: string } }

/** A Postgres error as thrown by PGlite, rebuilt on this side with its fields (code, detail…). */
function rebuild(e: Reply['error']): Error {
  const err = new Error(e!.message)
  Object.assign(err, e)
  return err
}

export class PGliteThread implements PGliteLike {
  private readonly pending = new Map<number, Call>()
  private nextId = 1
  private dead: Error | null = null
  private readonly port: MessagePort
  /** Answers the worker has sent so far (it adds 1 and notifies after each). */
  private readonly answered = new Int32Array(new SharedArrayBuffer(4))

  private constructor(private readonly worker: Worker) {
    const { port1, port2 } = new MessageChannel()
    this.port = port1
    worker.postMessage({ port: port2, answered: this.answered.buffer }, [port2])
    worker.unref()
    port1.unref()
    port1.on('message', (m: Reply) => this.onReply(m))
    worker.on('error', (err) => this.fail(new Error(`the PGlite thread failed: ${err.message}`)))
    worker.on('exit', (code) => this.fail(new Error(`the PGlite thread exited (code ${code})`)))
  }

  /**
   * Starts the thread and opens (creating when absent) the database in `dir`. The thread gets no
   * node options of this process (`execArgv: []`): it runs one plain module, and a loader given
   * by a relative path (`--import ./x.mjs`) would not resolve once the process changed directory.
   */
  static async start(dir: string): Promise<PGliteThread> {
    const t = new PGliteThread(new Worker(new URL('./pglite-worker.mjs', import.meta.url), { execArgv: [] }))
    try {
      await t.call({ op: 'open', dir })
    } catch (err) {
      await t.worker.terminate()
      throw err
    }
    return t
  }

  /**
   * Runs one statement. `waitMs` > 0: block this thread up to that long for the answer (see the
   * header; for a short statement on the daemon's critical path, e.g. the journal commit).
   */
  query<R>(sql: string, params: unknown[] = [], blob?: Uint8Array, waitMs = 0): Promise<{ rows: R[]; affectedRows?: number }> {
    return this.call({ op: 'query', sql, params, blob }, waitMs)
  }

  /** Runs `statements` as one transaction on the thread, with no other call between them. */
  tx(statements: Array<{ sql: string; params: unknown[]; blob?: Uint8Array }>): Promise<null> {
    return this.call({ op: 'tx', statements })
  }

  exec(sql: string): Promise<Array<{ rows: unknown[]; affectedRows?: number }>> {
    return this.call({ op: 'exec', sql })
  }

  /** Closes the database, then ends the thread. */
  async close(): Promise<void> {
    if (this.dead) return
    try { await this.call({ op: 'close' }) } finally {
      this.dead ??= new Error('the PGlite database is closed')
      this.port.close()
      await this.worker.terminate()
    }
  }

  private call<T>(msg: Record<string, unknown>, waitMs = 0): Promise<T> {
    if (this.dead) return Promise.reject(this.dead)
    const id = this.nextId++
    // Referenced only while something waits for an answer (see the header).
    if (this.pending.size === 0) { this.worker.ref(); this.port.ref() }
    const p = new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve, reject })
      this.port.postMessage({ ...msg, id })
    })
    if (waitMs > 0) this.waitFor(id, waitMs)
    return p
  }

  /** Takes answers from the channel, blocking up to `waitMs` in all, until call `id` is answered. */
  private waitFor(id: number, waitMs: number): void {
    const end = performance.now() + waitMs
    for (;;) {
      const seen = Atomics.load(this.answered, 0)
      // Answers already sent (earlier calls' too) are handed out in order.
      for (let m; (m = receiveMessageOnPort(this.port));) {
        this.onReply(m.message as Reply)
        if (!this.pending.has(id)) return
      }
      if (!this.pending.has(id)) return
      const left = end - performance.now()
      if (left <= 0 || Atomics.wait(this.answered, 0, seen, left) === 'timed-out') return
    }
  }

  private onReply(m: Reply): void {
    const c = this.pending.get(m.id)
    if (!c) return
    this.pending.delete(m.id)
    if (this.pending.size === 0) { this.worker.unref(); this.port.unref() }
    if (m.ok) c.resolve(m.out)
    else c.reject(rebuild(m.error))
  }

  private fail(err: Error): void {
    if (!this.dead) this.dead = err
    for (const c of this.pending.values()) c.reject(err)
    this.pending.clear()
    this.port.unref()  // nothing waits any more: the channel must not keep the process alive
  }
}
