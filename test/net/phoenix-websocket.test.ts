// The official phoenix client over WebSocket: join, snapshot, action + reply, another player's change, presence, seq.
import t from 'tap'
import { twoPlayers } from './phoenix-scenario.ts'

t.test('two players over WebSocket', (t) => twoPlayers(t, 'websocket'))
