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
 * @example
 * const t = await PGliteThread.start('/tmp/db/pgdata')
 * await t.query('select 1 as x', [])  // { rows: [{ x: 1 }], affectedRows: 0 }
 * await t.close()
 */
import { Worker } from 'node:worker_threads'
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

  private constructor(private readonly worker: Worker) {
    worker.unref()
    worker.on('message', (m: Reply) => this.onReply(m))
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

  query<R>(sql: string, params: unknown[] = [], blob?: Uint8Array): Promise<{ rows: R[]; affectedRows?: number }> {
    return this.call({ op: 'query', sql, params, blob })
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
      await this.worker.terminate()
    }
  }

  private call<T>(msg: Record<string, unknown>): Promise<T> {
    if (this.dead) return Promise.reject(this.dead)
    const id = this.nextId++
    // Referenced only while something waits for an answer (see the header).
    if (this.pending.size === 0) this.worker.ref()
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve, reject })
      this.worker.postMessage({ ...msg, id })
    })
  }

  private onReply(m: Reply): void {
    const c = this.pending.get(m.id)
    if (!c) return
    this.pending.delete(m.id)
    if (this.pending.size === 0) this.worker.unref()
    if (m.ok) c.resolve(m.out)
    else c.reject(rebuild(m.error))
  }

  private fail(err: Error): void {
    if (!this.dead) this.dead = err
    for (const c of this.pending.values()) c.reject(err)
    this.pending.clear()
  }
}
