/**
 * Server-to-client WebSocket text frames (RFC 6455 §5.2: FIN + opcode 1, no
 * mask, 7/16/64-bit length), several encoded back to back into ONE Buffer so a
 * connection's frames of one tick (reply, action_result, diff…) leave in one
 * socket write, i.e. one syscall. Through `ws.send` each frame was its own
 * write (or a cork/uncork round with one `writev` of 2×frames buffers), and the
 * socket writes were the largest cost after GC at a thousand clients.
 *
 * Only for text frames on a connection without permessage-deflate (hexd turns
 * it off): `ws` then writes its own frames synchronously too, so frames written
 * here and by `ws` (close, ping) stay in call order on the socket.
 *
 * @example
 * encodeTextFrames(['[null,null,"phoenix","phx_reply",{}]']) // <Buffer 81 24 5b 6e 75 6c ...>
 * socket.write(encodeTextFrames(frames))                       // one write for all of them
 */

/** The header length of a frame with `n` payload bytes. */
function headerBytes(n: number): number { return n < 126 ? 2 : n < 65536 ? 4 : 10 }

/** Lengths scratch space, reused (encoding is synchronous). */
let lens = new Int32Array(64)

/** Encodes `texts` as consecutive unmasked text frames in one Buffer. */
export function encodeTextFrames(texts: readonly string[]): Buffer {
  const k = texts.length
  if (lens.length < k) lens = new Int32Array(Math.max(k, lens.length * 2))
  let total = 0
  for (let i = 0; i < k; i++) {
    const n = Buffer.byteLength(texts[i], 'utf8')
    lens[i] = n
    total += headerBytes(n) + n
  }
  // allocUnsafe: every byte is written below; small results come from Node's shared pool.
  const buf = Buffer.allocUnsafe(total)
  let o = 0
  for (let i = 0; i < k; i++) {
    const n = lens[i]
    buf[o++] = 0x81 // FIN, text
    if (n < 126) buf[o++] = n
    else if (n < 65536) { buf[o++] = 126; buf.writeUInt16BE(n, o); o += 2 } else {
      buf[o++] = 127
      buf.writeUInt32BE(Math.floor(n / 2 ** 32), o); buf.writeUInt32BE(n >>> 0, o + 4); o += 8
    }
    o += buf.write(texts[i], o, n, 'utf8')
  }
  return buf
}
