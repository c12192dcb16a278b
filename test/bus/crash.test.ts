// Crash a consumer process mid-stream (SIGKILL): on restart it resumes from its committed offset and,
// across both runs, sees every record at least once. Direct and hub-spoke topologies, embedded and NATS logs.
import t from 'tap'
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { RepSocket, Broker } from '../../src/messaging/index.ts'
import { logHandler, type EventLog } from '../../src/bus/index.ts'
import { forEachBackend } from './backends.ts'

const fixture = fileURLToPath(new URL('./fixtures/consumer.ts', import.meta.url))
const TOTAL = 400

/** Runs the consumer process; resolves with its stdout lines. `killAfter` records → SIGKILL. */
function runConsumer(endpoint: string, killAfter?: number): Promise<{ lines: string[]; killed: boolean }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', fixture, endpoint, 'grp', 'ev', '2'], { stdio: ['ignore', 'pipe', 'inherit'] })
    const lines: string[] = []
    let buf = '', records = 0, killed = false
    child.stdout.on('data', (d) => {
      buf += d
      const parts = buf.split('\n'); buf = parts.pop()!
      for (const l of parts) {
        lines.push(l)
        if (l.startsWith('R ')) records++
        if (killAfter !== undefined && records >= killAfter && !killed) { killed = true; child.kill('SIGKILL') }
      }
    })
    child.on('error', reject)
    child.on('exit', () => resolve({ lines, killed }))
  })
}

forEachBackend(t, async (t, make) => {
  for (const topology of ['direct', 'hub-spoke'] as const) {
    t.test(topology, async (t) => {
      const log: EventLog = await make()
      await log.createTopic('ev', 2)
      let endpoint: string
      const closers: Array<() => void> = []
      if (topology === 'direct') {
        const rep = await RepSocket.bind('tcp://127.0.0.1:*', logHandler(log))
        endpoint = rep.endpoint; closers.push(() => rep.close())
      } else {
        const broker = await Broker.start({ frontend: 'tcp://127.0.0.1:*', backend: 'tcp://127.0.0.1:*' })
        const rep = RepSocket.connect(broker.backend, logHandler(log))
        endpoint = broker.frontend; closers.push(() => rep.close(), () => broker.close())
      }
      t.teardown(() => closers.forEach((c) => c()))

      // Half the records before the consumer starts, half while it runs (mid-stream).
      for (let i = 0; i < TOTAL / 2; i++) await log.append('ev', String(i), Buffer.from(String(i)))
      const first = runConsumer(endpoint, 60)
      for (let i = TOTAL / 2; i < TOTAL; i++) await log.append('ev', String(i), Buffer.from(String(i)))
      const run1 = await first
      t.ok(run1.killed, 'the first consumer was killed mid-stream')
      const committed = [await log.offsets.load('grp', 'ev', 0), await log.offsets.load('grp', 'ev', 1)]
      const run2 = await runConsumer(endpoint)

      const recs = (lines: string[]) => lines.filter((l) => l.startsWith('R ')).map((l) => l.split(' ').slice(1).map(Number) as [number, number])
      for (const p of [0, 1]) {
        const firstAfter = recs(run2.lines).find(([q]) => q === p)
        if (firstAfter) t.equal(firstAfter[1], committed[p] ?? 0, `partition ${p}: the restart resumes at the committed offset ${committed[p]}`)
      }
      const seen = new Set([...recs(run1.lines), ...recs(run2.lines)].map(([p, o]) => `${p}:${o}`))
      const bounds = [await log.bounds('ev', 0), await log.bounds('ev', 1)]
      t.equal(bounds[0].end + bounds[1].end, TOTAL)
      const missing: string[] = []
      for (const p of [0, 1]) for (let o = 0; o < bounds[p].end; o++) if (!seen.has(`${p}:${o}`)) missing.push(`${p}:${o}`)
      t.same(missing, [], `every one of ${TOTAL} records seen at least once`)
      t.same([await log.offsets.load('grp', 'ev', 0), await log.offsets.load('grp', 'ev', 1)], [bounds[0].end, bounds[1].end], 'the group ends fully committed')
    })
  }
})
