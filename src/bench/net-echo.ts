/**
 * The baseline for `hexd bench net`: a raw `ws` echo server run as its own
 * process (like the daemon), so the comparison is transport against
 * transport. Prints `{"port":N}` on stdout once listening; exits on SIGTERM.
 */
import { WebSocketServer } from 'ws'

const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false })
wss.on('connection', (ws) => ws.on('message', (data, isBinary) => ws.send(data, { binary: isBinary })))
wss.on('listening', () => process.stdout.write(JSON.stringify({ port: (wss.address() as { port: number }).port }) + '\n'))
process.on('SIGTERM', () => wss.close(() => process.exit(0)))
