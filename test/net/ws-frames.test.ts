// Server WebSocket frames encoded back to back in one buffer: ws's own Receiver reads every one, in order.
import t from 'tap'
import fc from 'fast-check'
// @ts-expect-error ws's type declarations leave out the Receiver it exports
import { Receiver } from 'ws'
import { encodeTextFrames } from '../../src/net/phoenix/ws-frames.ts'

/** Feeds `buf` to a client-side ws Receiver (which rejects masked frames from a server) and returns the texts. */
function decode(buf: Buffer): string[] {
  const out: string[] = []
  const r = new Receiver({ isServer: false, maxPayload: 0 })
  r.on('message', (data: Buffer, isBinary: boolean) => { if (isBinary) throw new Error('binary frame'); out.push(data.toString()) })
  r.on('error', (err: Error) => { throw err })
  r.write(buf)
  return out
}

t.test('every length class and non-ASCII text survives the round trip', async (t) => {
  const texts = ['', 'a', 'x'.repeat(125), 'x'.repeat(126), 'é'.repeat(63), 'é'.repeat(64), 'y'.repeat(65535), 'z'.repeat(65536), '😀 [null,"1","world:main"]', 'w'.repeat(70_000)]
  t.same(decode(encodeTextFrames(texts)), texts)
  t.same(decode(encodeTextFrames([])), [], 'no frames, empty buffer')
  t.equal(encodeTextFrames(['hi']).toString('hex'), '81026869', 'FIN + text opcode, unmasked 7-bit length')
  t.equal(encodeTextFrames(['x'.repeat(300)]).subarray(0, 4).toString('hex'), '817e012c', '16-bit length')
})

t.test('random batches decode to the same strings', async (t) => {
  fc.assert(fc.property(fc.array(fc.oneof(fc.string({ maxLength: 300 }), fc.string({ unit: 'grapheme', maxLength: 200 })), { maxLength: 80 }), (texts) => {
    const got = decode(encodeTextFrames(texts))
    return got.length === texts.length && got.every((s, i) => s === texts[i])
  }))
  t.pass('round trip holds')
})
