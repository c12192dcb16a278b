// The thread that owns hexd's embedded PGlite (src/store/pglite.ts says why it
// has its own thread). It runs one message at a time, in arrival order, and
// answers each with its id:
//   { op: 'open', dir } | { op: 'query', sql, params, blob? } | { op: 'exec', sql } | { op: 'close' }
//   | { op: 'tx', statements: [{ sql, params, blob? }] } (BEGIN, each, COMMIT; ROLLBACK on error)
//   → { id, ok: true, out } | { id, ok: false, error: { name, message, code?, … } }
// Calls and answers travel over a MessageChannel whose port the first message
// on parentPort hands over, with a shared answer counter (pglite-thread.ts
// `waitMs` says why).
// Plain JavaScript on purpose: a worker thread does not inherit the tsx loader
// the CLI registers, and this file needs nothing but PGlite.
import { parentPort } from 'node:worker_threads'
import { PGlite } from '@electric-sql/pglite'

let pg = null
let chain = Promise.resolve()
// The channel every call and answer goes through (the first message brings
// it): the main thread can take an answer from it synchronously
// (receiveMessageOnPort) after waiting on `answered`, which counts answers.
let port = null
let answered = null

parentPort.once('message', (m) => {
  port = m.port
  answered = new Int32Array(m.answered)
  port.on('message', (c) => { chain = chain.then(() => handle(c)) })
})

function reply(msg) {
  port.postMessage(msg)
  Atomics.add(answered, 0, 1)
  Atomics.notify(answered, 0)
}

/** The result parts the main thread reads (rows and affectedRows), nothing PGlite-internal. */
const plain = (r) => ({ rows: r.rows, affectedRows: r.affectedRows })

async function run(m) {
  switch (m.op) {
    case 'open':
      pg = await PGlite.create(m.dir)
      return null
    case 'query':
      return plain(await pg.query(m.sql, m.params, m.blob ? { blob: new Blob([m.blob]) } : undefined))
    case 'exec':
      return (await pg.exec(m.sql)).map(plain)
    case 'tx':
      // A whole write transaction in one message: no other message can run
      // between its statements, and none waits on the main thread's event loop
      // between them (pglite.ts writeTransaction says why).
      await pg.query('BEGIN')
      try {
        for (const s of m.statements) await pg.query(s.sql, s.params, s.blob ? { blob: new Blob([s.blob]) } : undefined)
      } catch (err) {
        await pg.query('ROLLBACK').catch(() => {})
        throw err
      }
      await pg.query('COMMIT')
      return null
    case 'close':
      if (pg) await pg.close()
      pg = null
      return null
    default:
      throw new Error(`pglite worker: unknown op ${JSON.stringify(m.op)}`)
  }
}

async function handle(m) {
  try {
    reply({ id: m.id, ok: true, out: await run(m) })
  } catch (err) {
    // Postgres errors carry their fields (code, detail, position…) as own
    // properties; structured clone would keep only name and message.
    const e = err instanceof Error ? err : new Error(String(err))
    const error = { name: e.name, message: e.message }
    for (const [k, v] of Object.entries(e)) if (v === null || ['string', 'number', 'boolean'].includes(typeof v)) error[k] = v
    reply({ id: m.id, ok: false, error })
  }
}
