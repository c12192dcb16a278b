// The official phoenix client over LongPoll (Node's fetch), and its WebSocket→LongPoll fallback.
import t from 'tap'
import { WebSocket } from 'ws'
import { twoPlayers } from './phoenix-scenario.ts'
import { join, phoenix, push, testDaemon, until } from './helpers.ts'

t.test('two players over LongPoll', (t) => twoPlayers(t, 'longpoll'))

t.test('longPollFallbackMs: a WebSocket that cannot connect falls back to LongPoll and plays', async (t) => {
  const d = await testDaemon(t)
  // A WebSocket blocked on the way (as by a proxy): it points at a closed port.
  class BlockedWebSocket extends WebSocket {
    constructor(_url: string, protocols?: string[]) { super('ws://127.0.0.1:1/socket/websocket', protocols) }
  }
  const c = phoenix(t, d.url, 'websocket', { transport: BlockedWebSocket, longPollFallbackMs: 200 })
  const ch = c.socket.channel('world:main', { name: 'carol' })
  const r = await join(ch)
  t.equal(c.socket.transportName(c.socket.transport), 'LongPoll', 'the client fell back to LongPoll')
  const res = await push(ch, 'action', { type: 'claim', cell: r.player.cell })
  t.equal(res.status, 'ok', 'an action over the fallback is accepted')
  await until('snapshot over long-poll', () => c.received.find((m) => m.event === 'snapshot'))
})
