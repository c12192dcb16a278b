/**
 * The Phoenix WebSocket transport at `/socket/websocket`: a `ws` server in
 * noServer mode fed by the HTTP server's 'upgrade' event, one
 * {@link PhoenixConnection} per socket. Frames over `maxBytes` close the socket
 * with 1009 (ws does it); binary frames get a phx_error (only the JSON v2
 * serializer is spoken). While a socket's send buffer is over 1 MiB, delivery
 * pauses and the session's outbox coalesces instead of queueing in memory.
 *
 * @example
 * const wss = attachWebSocket(app.server, hub)   // later: await wss.close()
 */
import type { IncomingMessage, Server } from 'node:http'
import type { Duplex } from 'node:stream'
import type { Socket } from 'node:net'
import { WebSocketServer, type WebSocket } from 'ws'
import type { Hub } from '../hub.ts'
import { PhoenixConnection } from './connection.ts'
import { encodeFrame } from './frame.ts'
import { encodeTextFrames } from './ws-frames.ts'
import type { SocketWriter } from '../socket-writer.ts'

const BACKLOG_BYTES = 1 << 20

export interface WebSocketTransport {
  /** Open sockets right now. */
  readonly clients: Set<WebSocket>
  /** Closes every socket (1001 going away) and stops accepting. */
  close(): Promise<void>
}

/**
 * Serves Phoenix over WebSocket at `path` (default /socket/websocket) on `server`. With a
 * `writer`, each connection's socket writes are made by its thread (src/net/socket-writer.ts);
 * without one (or when it cannot take a socket) they are made on the event loop.
 */
export function attachWebSocket(server: Server, hub: Hub, path = '/socket/websocket', writer: SocketWriter | null = null): WebSocketTransport {
  const wss = new WebSocketServer({ noServer: true, maxPayload: hub.limits.maxBytes, perMessageDeflate: false })
  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(req.url ?? '/', 'http://x')
    if (url.pathname !== path || hub.draining) {
      socket.end(`HTTP/1.1 ${hub.draining ? '503 Service Unavailable' : '404 Not Found'}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`)
      return
    }
    const vsn = url.searchParams.get('vsn')
    if (vsn !== null && !vsn.startsWith('2.')) {
      socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Type: application/json\r\n\r\n' +
        JSON.stringify({ error: { code: 'HEXD_BAD_REQUEST', message: `only vsn 2.x (JSON v2 frames) is served, got ${JSON.stringify(vsn)}`, field: 'vsn' } }))
      return
    }
    wss.handleUpgrade(req, socket, head, (ws) => serve(ws))
  }
  const serve = (ws: WebSocket) => {
    // Everything a connection has for one burst (a tick's reply, action_result, diff…) arrives in
    // one write() call and leaves as one buffer of frames in one socket write (ws-frames.ts):
    // socket writes were, after GC, the daemon's largest cost at a thousand clients.
    const raw = (ws as unknown as { _socket?: Socket })._socket
    const link = raw && writer ? writer.adopt(raw) : null
    const conn = new PhoenixConnection(hub, 'websocket', {
      write: (frames) => {
        if (ws.readyState !== ws.OPEN) return
        if (link) link.write(encodeTextFrames(frames))
        else if (raw) raw.write(encodeTextFrames(frames))
        else for (const f of frames) ws.send(f)
      },
      canSend: () => ws.bufferedAmount + (link ? link.pending() : 0) < BACKLOG_BYTES,
    })
    ws.on('message', (data, isBinary) => {
      if (isBinary) {
        ws.send(encodeFrame(null, null, 'phoenix', 'phx_error', JSON.stringify({ code: 'HEXD_BAD_FRAME', reason: 'binary frames are not served; send JSON v2 text frames' })))
        return
      }
      conn.handle(data.toString())
    })
    // A backed-up socket resumes when its buffer drains (ws has no 'drain' event; the next tick's pump catches up).
    ws.on('close', () => conn.close())
    ws.on('error', () => conn.close())
  }
  server.on('upgrade', onUpgrade)
  return {
    clients: wss.clients,
    close: () => new Promise<void>((resolve) => {
      server.off('upgrade', onUpgrade)
      for (const ws of wss.clients) ws.close(1001, 'server shutting down')
      wss.close(() => resolve())
    }),
  }
}
