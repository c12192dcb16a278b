// The resources pass's random draws (birth, coal) are batched per slot and
// hashed 16 at a time (src/native/cc/draws.h) when a chunk's cell ids share
// their high 32 bits, and one by one otherwise. Worlds of n ~ 2^24 (ids up to
// 2.8e15) put both kinds of chunk near the players: every tick's bytes and
// hash must equal the TS reference, and at least one ticked chunk must have
// ids crossing a 2^32 boundary (the scalar path) and one not (the vector path).
import t from 'tap'
import { createWorld, type World } from '../../src/engine/index.ts'
import { SH } from '../../src/engine/layout.ts'
import { NativeBackend } from '../../src/native/backend.ts'
import { nativeOrSkip } from './helpers.ts'

// Not a power of two: 64 rows of n ids (~2^30) then cross a 2^32 boundary in
// about a quarter of the chunks (with n = 2^24 none would).
const SIZE = (1 << 24) - 3

const bytesEqual = (a: ArrayBufferLike, b: ArrayBufferLike): boolean =>
  a.byteLength === b.byteLength && Buffer.compare(Buffer.from(a as ArrayBuffer), Buffer.from(b as ArrayBuffer)) === 0

/** Active chunks whose real cells' ids cross a 2^32 boundary, and those that do not. */
function crossing(w: World): { cross: number; within: number } {
  let cross = 0, within = 0
  for (const c of w.activeChunks()) {
    const h = w.chunks.slots[w.chunks.slotOf(c)!]!.hdr
    const base = BigInt(h[SH.BASE_LO]) + (BigInt(h[SH.BASE_HI]) << 32n)
    const last = base + BigInt(h[SH.ROWS] - 1) * BigInt(h[SH.N]) + BigInt(h[SH.COLS] - 1)
    if (base >> 32n !== last >> 32n) cross++
    else within++
  }
  return { cross, within }
}

if (nativeOrSkip(t)) {
  t.test('draws in chunks with ids above 2^32, with and without a 2^32 crossing', async (t) => {
    let cross = 0, within = 0, changed = 0
    for (const seed of [1, 2, 3]) {
      const nb = new NativeBackend('thread', { threads: 2 })
      try {
        const ref = createWorld({ seed, size: SIZE })
        const nat = createWorld({ seed, size: SIZE, backend: nb, allocate: nb.allocate })
        const joins = ['a', 'b', 'c', 'd'].map((p) => ({ type: 'join', player: p }))
        let diverged = -1
        for (let tick = 1; tick <= 30 && diverged < 0; tick++) {
          const acts = tick === 1 ? joins : []
          const a = ref.step(acts)
          const b = await nat.stepAsync(acts)
          changed += a.cellsUpdated > 0 ? 1 : 0
          if (a.hash !== b.hash || !bytesEqual(ref.buffer, nat.buffer)) diverged = tick
        }
        t.equal(diverged, -1, `seed ${seed}: identical bytes and hash on each of 30 ticks`)
        // Then multi-tick requests (hashes deferred, commits in the worker).
        for (let r = 0; r < 2; r++) {
          await nb.tickMany(nat.tickInput(), 10)
          for (let k = 0; k < 10; k++) ref.step([])
          t.ok(bytesEqual(ref.buffer, nat.buffer) && nat.hash() === ref.hash(), `seed ${seed}: same bytes after a 10-tick request`)
        }
        const c = crossing(nat)
        cross += c.cross
        within += c.within
      } finally { await nb.close() }
    }
    t.ok(cross > 0, `ticked chunks whose ids cross a 2^32 boundary: ${cross}`)
    t.ok(within > 0, `ticked chunks whose ids do not: ${within}`)
    t.ok(changed > 0, 'the worlds changed')
  })
}
