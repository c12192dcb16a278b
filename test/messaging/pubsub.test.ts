// Publish/subscribe through hexd's abstractions: prefix routing, both topologies, HWM drops.
import t from 'tap'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Publisher, Subscriber, PubSubHub, InprocContext, type Message } from '../../src/messaging/index.ts'

const ipcPath = () => `ipc://${join(tmpdir(), `hexd-ps-${process.pid}-${Math.random().toString(36).slice(2)}.sock`)}`

/** Publishes `mk(i)` until the subscriber has collected `want` messages (ZeroMQ subscriptions arrive asynchronously). */
async function collect(pub: Publisher, sub: Subscriber, want: (got: Message[]) => boolean, batch: Array<[string, string]>): Promise<Message[]> {
  const got: Message[] = []
  const reader = (async () => { for await (const m of sub) { got.push(m); if (want(got)) return } })()
  for (let round = 0; round < 200 && !want(got); round++) {
    for (const [topic, body] of batch) await pub.publish(topic, body)
    await Promise.race([reader, new Promise((r) => setTimeout(r, 20))])
  }
  return got
}

const setups = [
  { name: 'inproc', direct: () => 'inproc://ch-' + Math.random(), hub: () => ['inproc://hf-' + Math.random(), 'inproc://hb-' + Math.random()] },
  { name: 'tcp', direct: () => 'tcp://127.0.0.1:*', hub: () => ['tcp://127.0.0.1:*', 'tcp://127.0.0.1:*'] },
  { name: 'ipc', direct: ipcPath, hub: () => [ipcPath(), ipcPath()] },
]

for (const s of setups) {
  for (const topology of ['direct', 'hub'] as const) {
    t.test(`${s.name} ${topology}: prefix filters select topics`, async (t) => {
      const context = new InprocContext()
      let pub: Publisher, subUrl: string, hub: PubSubHub | undefined
      if (topology === 'direct') {
        pub = await Publisher.bind(s.direct(), { context })
        subUrl = pub.endpoint
      } else {
        const [f, b] = s.hub()
        hub = await PubSubHub.start({ frontend: f, backend: b, context })
        pub = Publisher.connect(hub.frontend, { context })
        subUrl = hub.backend
      }
      const chunks = Subscriber.connect(subUrl, { topics: ['chunk.'], context })
      const ticks = Subscriber.connect(subUrl, { topics: ['tick'], context })
      const batch: Array<[string, string]> = [['tick', '{"tick":1}'], ['chunk.7', '{"c":7}'], ['player.1', '{}'], ['chunk.9', '{"c":9}']]
      const [gc, gt] = await Promise.all([
        collect(pub, chunks, (g) => new Set(g.map((m) => m.topic)).size >= 2 && g.length >= 4, batch),
        collect(pub, ticks, (g) => g.length >= 2, batch),
      ])
      t.ok(gc.every((m) => m.topic.startsWith('chunk.')), 'chunk subscriber sees only chunk.*')
      t.same([...new Set(gc.map((m) => m.topic))].sort(), ['chunk.7', 'chunk.9'])
      t.ok(gt.every((m) => m.topic === 'tick' && JSON.parse(m.body.toString()).tick === 1), 'tick subscriber sees only tick')
      chunks.close(); ticks.close(); pub.close(); hub?.close()
    })
  }
}

t.test('inproc: a slow subscriber loses messages past its HWM, the publisher never blocks', async (t) => {
  const context = new InprocContext()
  const pub = await Publisher.bind('inproc://hwm', { context })
  const sub = Subscriber.connect('inproc://hwm', { topics: [''], receiveHighWaterMark: 10, context })
  for (let i = 0; i < 25; i++) await pub.publish('t', String(i))
  t.equal(pub.stats.dropped, 15)
  t.equal(sub.stats.dropped, 15)
  const got: string[] = []
  for await (const m of sub) { got.push(m.body.toString()); if (got.length === 10) break }
  t.same(got, Array.from({ length: 10 }, (_, i) => String(i)), 'the first HWM messages kept, in order')
  sub.close(); pub.close()
})

t.test('tcp: many concurrent publishes go through the send queue without EBUSY', async (t) => {
  const pub = await Publisher.bind('tcp://127.0.0.1:*')
  const sub = Subscriber.connect(pub.endpoint, { topics: ['x'] })
  // Wait until the subscription is live.
  await collect(pub, sub, (g) => g.length >= 1, [['x', 'warm']])
  const n = 2000
  const reader = (async () => { const seen = new Set<string>(); for await (const m of sub) { if (m.body.toString() !== 'warm') seen.add(m.body.toString()); if (seen.size === n) return seen } return seen })()
  await Promise.all(Array.from({ length: n }, (_, i) => pub.publish('x', String(i))))
  const seen = await reader
  t.equal(seen.size, n, 'every message arrived')
  sub.close(); pub.close()
})
