// The lane-parallel chunk hash (docs/RULES.md): still a hash of every real
// cell's every plane (one changed byte anywhere changes it), blind to the halo,
// sensitive to the chunk id and shape, and the native kernel's CHUNK_HASH gives
// the same value as slot.ts chunkHashOf on random bytes of every width.
import t from 'tap'
import { chunkHashOf, planes, header, U8_PLANES, U16_PLANES } from '../../src/engine/slot.ts'
import * as L from '../../src/engine/layout.ts'
import { nativeOrSkip } from './helpers.ts'

function rng(seed: number): () => number {
  let x = seed >>> 0
  return () => { x = (Math.imul(x ^ (x >>> 15), 0x2c1b3c6d) + 0x9e3779b9) >>> 0; return x }
}
function randomSlot(buf: ArrayBufferLike, slot: number, rows: number, cols: number, seed: number): void {
  const r = rng(seed), u8 = new Uint8Array(buf, L.copyOffset(slot, 0), L.COPY_BYTES)
  for (let i = 0; i < u8.length; i++) u8[i] = r() & 0xff
  const h = header(buf, slot)
  h[L.SH.CHUNK_LO] = r(); h[L.SH.CHUNK_HI] = r() & 0xfff; h[L.SH.ROWS] = rows; h[L.SH.COLS] = cols
}

t.test('every byte of every plane of every real cell counts; the halo does not', async (t) => {
  const buf = new ArrayBuffer(L.bufferBytes(1))
  const r = rng(7)
  for (const [rows, cols] of [[64, 64], [37, 21], [1, 1], [5, 16]]) {
    randomSlot(buf, 0, rows, cols, rows * 100 + cols)
    const p = planes(buf, 0, 0), hdr = header(buf, 0)
    const h0 = chunkHashOf(p, hdr)
    let misses = 0
    for (let k = 0; k < 300; k++) {
      const i = r() % rows, j = r() % cols, q = L.pos(i, j)
      const names = [...U8_PLANES, ...U16_PLANES]
      const arr = (p as unknown as Record<string, Uint8Array | Uint16Array>)[names[r() % names.length]]
      const old = arr[q]
      arr[q] = old ^ (1 << (r() % (arr instanceof Uint16Array ? 16 : 8)))
      const h1 = chunkHashOf(p, hdr)
      if (h1[0] === h0[0] && h1[1] === h0[1]) misses++
      arr[q] = old
    }
    t.equal(misses, 0, `${rows}×${cols}: 300 single-bit flips all change the hash`)
    // Swapping two cells of the same lane (same column class) changes it too (lanes are ordered).
    if (rows > 1) {
      const a = L.pos(0, 0), b = L.pos(1, 0), terr = p.terrain
      const [x, y] = [terr[a], terr[b]]
      if (x !== y) {
        terr[a] = y; terr[b] = x
        t.not(chunkHashOf(p, hdr).join(), h0.join(), 'swapping two cells of one lane changes the hash')
        terr[a] = x; terr[b] = y
      }
    }
    p.res[L.pos(-1, 3)] ^= 1
    p.owner[L.pos(rows, 0)] ^= 1
    t.same(chunkHashOf(p, hdr), h0, 'halo bytes are not hashed')
    hdr[L.SH.CHUNK_LO] ^= 1
    t.not(chunkHashOf(p, hdr).join(), h0.join(), 'the chunk id is hashed')
    hdr[L.SH.CHUNK_LO] ^= 1
  }
})

t.test('native CHUNK_HASH equals chunkHashOf on random bytes, every width 1..64', async (t) => {
  if (!nativeOrSkip(t)) return
  const { NativeBackend } = await import('../../src/native/backend.ts')
  const nb = new NativeBackend('thread', { threads: 1 })
  try {
    const cap = 64
    const buf = nb.allocate(L.bufferBytes(cap))
    new Uint32Array(buf, 0, 16)[L.WH.CAPACITY] = cap
    const want: string[] = []
    for (let s = 0; s < cap; s++) {
      randomSlot(buf, s, 1 + ((s * 37) % 64), s + 1, 1000 + s)
      want.push(chunkHashOf(planes(buf, s, 0), header(buf, s)).join())
    }
    const got = await nb.chunkHashes(0, [...Array(cap).keys()])
    t.same(got.map((h: [number, number]) => h.join()), want)
  } finally {
    await nb.close()
  }
})
