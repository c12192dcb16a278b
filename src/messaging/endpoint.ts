/**
 * Endpoint URLs for the messaging abstractions. The scheme picks the transport:
 * `inproc://NAME` is hexd's own in-process transport (no sockets, no copies of
 * the bytes beyond one Buffer), `tcp://HOST:PORT` and `ipc://PATH` go through
 * ZeroMQ. One URL syntax means a component can move from "same process" to
 * "another node" by changing a string.
 *
 * @example
 * parseEndpoint('tcp://127.0.0.1:5555') // => { transport: 'zmq', url: 'tcp://127.0.0.1:5555' }
 */
import { HexdError } from '../errors.ts'

export type Endpoint = { transport: 'inproc'; name: string; url: string } | { transport: 'zmq'; url: string }

/** Parses and validates an endpoint URL; throws HEXD_MSG_BAD_ENDPOINT naming `field`. */
export function parseEndpoint(url: string, field = 'endpoint'): Endpoint {
  const bad = (why: string) => new HexdError('HEXD_MSG_BAD_ENDPOINT', `${field} ${JSON.stringify(url)} ${why}; use inproc://NAME, tcp://HOST:PORT or ipc://PATH`, { field })
  if (typeof url !== 'string') throw bad('is not a string')
  const m = /^([a-z]+):\/\/(.+)$/.exec(url)
  if (!m) throw bad('is not a URL')
  const [, scheme, rest] = m
  if (scheme === 'inproc') {
    if (!/^[\w.\-/:]+$/.test(rest)) throw bad('has an invalid name')
    return { transport: 'inproc', name: rest, url }
  }
  if (scheme === 'tcp') {
    // Port `*` asks ZeroMQ for an ephemeral port (bind only).
    if (!/^(\*|[\w.\-]+|\[[0-9a-fA-F:]+\]):(\*|\d{1,5})$/.test(rest)) throw bad('needs HOST:PORT')
    const port = rest.slice(rest.lastIndexOf(':') + 1)
    if (port !== '*' && (Number(port) < 0 || Number(port) > 65535)) throw bad('has a port outside 0..65535')
    return { transport: 'zmq', url }
  }
  if (scheme === 'ipc') return { transport: 'zmq', url }
  throw bad(`has unknown scheme "${scheme}"`)
}

/** Turns a string or bytes into a Buffer without copying a Buffer. */
export function toBuffer(body: Buffer | Uint8Array | string): Buffer {
  if (Buffer.isBuffer(body)) return body
  if (typeof body === 'string') return Buffer.from(body)
  if (body instanceof Uint8Array) return Buffer.from(body.buffer, body.byteOffset, body.byteLength)
  throw new TypeError(`a message body must be a Buffer, Uint8Array or string, got ${typeof body}`)
}
