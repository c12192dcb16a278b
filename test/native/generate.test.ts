// Native chunk generation (GENERATE request) against the engine's
// generateChunk: header and both copies byte for byte, over seeds and sizes
// up to n = 2^24 (integer positions from doubles must round the same way).
import t from 'tap'
import { createWorld, layout } from '../../src/engine/index.ts'
import { generateChunk, seedHalves } from '../../src/engine/generate.ts'
import { slotView } from '../../src/engine/slot.ts'
import { NativeBackend } from '../../src/native/backend.ts'
import { nativeOrSkip } from './helpers.ts'

if (nativeOrSkip(t)) {
  for (const [seed, size] of [[1, 100], [7, 300], [123456789, 1000], [5, 3], [2 ** 40 + 17, 2 ** 24]] as const) {
    t.test(`seed ${seed}, n=${size}`, async (t) => {
      const nb = new NativeBackend('thread', {})
      try {
        const w = createWorld({ seed, size, backend: nb, allocate: nb.allocate })
        await w.stepAsync([{ type: 'join', player: 'a' }])
        const jobs = w.chunks.resident().map((chunk) => ({ chunk, slot: w.chunks.slotOf(chunk)! }))
        const buf = new Uint8Array(w.buffer as ArrayBuffer)
        // The reference: the engine's generation of the same chunks into a copy.
        const ref = (w.buffer as ArrayBuffer).slice(0)
        for (const { chunk, slot } of jobs) {
          const sv = slotView(ref, slot)
          generateChunk(seedHalves(seed), size, chunk, sv.copies, sv.hdr)
        }
        // Scribble over the slots, then let the worker generate them.
        for (const { slot } of jobs) {
          buf.fill(0xab, layout.slotOffset(slot), layout.slotOffset(slot) + layout.HALO_OFFSET)
          buf.fill(0xcd, layout.copyOffset(slot, 0), layout.copyOffset(slot, 0) + 2 * layout.COPY_BYTES)
        }
        await nb.generate(jobs)
        const r8 = new Uint8Array(ref)
        const differ = jobs.filter(({ slot }) => {
          const h = layout.slotOffset(slot), c = layout.copyOffset(slot, 0)
          return Buffer.compare(buf.subarray(h, h + layout.HALO_OFFSET), r8.subarray(h, h + layout.HALO_OFFSET)) !== 0 ||
            Buffer.compare(buf.subarray(c, c + 2 * layout.COPY_BYTES), r8.subarray(c, c + 2 * layout.COPY_BYTES)) !== 0
        })
        t.same(differ.map((j) => j.chunk), [], `${jobs.length} chunks generated identically`)
        t.ok(jobs.length >= 10)
        await t.rejects(nb.generate([{ slot: 0, chunk: 1e12 }]), { code: 'HEXD_NATIVE_REQUEST', message: /is not a chunk of a world of size/ })
        await t.rejects(nb.generate([{ slot: 1e6, chunk: 0 }]), { code: 'HEXD_NATIVE_REQUEST', message: /beyond capacity/ })
      } finally { await nb.close() }
    })
  }
}
