// The backends the event-log suite runs against: embedded (in memory and durable in files) always, NATS JetStream when a server answers at HEXD_NATS_URL (default nats://127.0.0.1:4222).
import type { Test } from 'tap'
import { createConnection } from 'node:net'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { EmbeddedBackend, EventLog, FileBackend, MemoryOffsetStore, type RetentionPolicy } from '../../src/bus/index.ts'
import { requireOrSkip } from '../helpers/require.ts'

export const NATS_URL = process.env.HEXD_NATS_URL ?? 'nats://127.0.0.1:4222'

export function natsUp(): Promise<boolean> {
  const [host, port] = NATS_URL.replace('nats://', '').split(':')
  return new Promise((resolve) => {
    const s = createConnection({ host, port: Number(port) }, () => { s.destroy(); resolve(true) })
    s.on('error', () => resolve(false))
    s.setTimeout(1000, () => { s.destroy(); resolve(false) })
  })
}

export type MakeLog = (retention?: RetentionPolicy) => Promise<EventLog>

/** Runs `suite` once per backend; each log it makes is closed (and NATS streams deleted) at the end. */
export function forEachBackend(t: Test, suite: (t: Test, make: MakeLog) => Promise<void>): void {
  t.test('embedded', async (t) => {
    await suite(t, async (retention) => new EventLog(new EmbeddedBackend(), { offsets: new MemoryOffsetStore(), retention }))
  })
  t.test('file', async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'hexd-log-'))
    const logs: EventLog[] = []
    t.teardown(async () => { for (const l of logs) await l.close(); rmSync(dir, { recursive: true, force: true }) })
    let n = 0
    await suite(t, async (retention) => {
      const log = new EventLog(await FileBackend.open(join(dir, String(n++)), { segmentBytes: 4096 }), { offsets: new MemoryOffsetStore(), retention })
      logs.push(log)
      return log
    })
  })
  t.test('nats', async (t) => {
    if (!(await requireOrSkip(t, 'nats', natsUp, `no NATS server at ${NATS_URL}`))) return
    const { NatsBackend } = await import('../../src/bus/nats.ts')
    const opened: Array<{ log: EventLog; be: Awaited<ReturnType<typeof NatsBackend.connect>> }> = []
    t.teardown(async () => { for (const o of opened) { await o.be.destroyNamespace(); await o.log.close() } })
    await suite(t, async (retention) => {
      const be = await NatsBackend.connect(NATS_URL, { namespace: `t${process.pid}x${Math.random().toString(36).slice(2, 8)}`, storage: 'memory' })
      const log = new EventLog(be, { offsets: new MemoryOffsetStore(), retention })
      opened.push({ log, be })
      return log
    })
  })
}
