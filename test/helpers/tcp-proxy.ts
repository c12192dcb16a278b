/**
 * A TCP proxy a test controls, to make a server "go away" without stopping it
 * for everyone: `cut()` destroys every open connection and refuses new ones
 * (like a stopped Postgres), `restore()` lets connections through again.
 *
 * @example
 * const p = await startProxy(5432); const url = `postgres://postgres@127.0.0.1:${p.port}/db`
 * p.cut(); …; p.restore(); await p.close()
 */
import net from 'node:net'

export interface Proxy { port: number; cut(): void; restore(): void; close(): Promise<void>; readonly connections: number }

export async function startProxy(targetPort: number, targetHost = '127.0.0.1'): Promise<Proxy> {
  const sockets = new Set<net.Socket>()
  let open = true
  const server = net.createServer((client) => {
    if (!open) { client.destroy(); return }
    const upstream = net.connect(targetPort, targetHost)
    sockets.add(client); sockets.add(upstream)
    const drop = () => { client.destroy(); upstream.destroy(); sockets.delete(client); sockets.delete(upstream) }
    client.on('error', drop); upstream.on('error', drop); client.on('close', drop); upstream.on('close', drop)
    client.pipe(upstream); upstream.pipe(client)
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  const port = (server.address() as net.AddressInfo).port
  return {
    port,
    get connections() { return sockets.size / 2 },
    cut() { open = false; for (const s of sockets) s.destroy(); sockets.clear() },
    restore() { open = true },
    close() { open = false; for (const s of sockets) s.destroy(); return new Promise<void>((r) => server.close(() => r())) },
  }
}
