// The official phoenix client over WebSocket (socket writes by the native writer thread, and inline): join, snapshot, action + reply, another player's change, presence, seq.
import t from 'tap'
import { twoPlayers } from './phoenix-scenario.ts'

t.test('two players over WebSocket', (t) => twoPlayers(t, 'websocket'))
// The same with the socket writes made on the event loop (--socket-writer inline) instead of the writer thread.
t.test('two players over WebSocket, socket writes inline', (t) => twoPlayers(t, 'websocket', { socketWriter: 'inline' }))
