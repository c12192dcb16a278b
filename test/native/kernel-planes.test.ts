// Multi-tick requests with structures on chunk seams: the kernel skips
// copying planes it knows are equal in both copies of a slot, and re-copies
// only the halo planes whose source slots changed (src/native/cc/planes.h,
// kernel.cc copyHalo). Small worlds put the builders' structures (power,
// counts, progress, stock) on rhombus seams, where a wrong per-plane skip
// leaves a stale halo byte or next-copy byte; n=64 uses full 64x64 chunks
// (the halo-ring-only copy of RES/AMT/POWER). Every byte must equal the TS
// reference after every request, with actions between requests.
import t from 'tap'
import { createWorld, RES, TERRAIN, type World } from '../../src/engine/index.ts'
import { chunkCount, chunkInfo } from '../../src/engine/chunks.ts'
import { isPentagon } from '../../src/engine/geometry.ts'
import { NativeBackend } from '../../src/native/backend.ts'
import { nativeOrSkip } from './helpers.ts'
import { actionsFor, lcg } from './scenario.ts'

const bytesEqual = (a: ArrayBufferLike, b: ArrayBufferLike): boolean =>
  a.byteLength === b.byteLength && Buffer.compare(Buffer.from(a as ArrayBuffer), Buffer.from(b as ArrayBuffer)) === 0

const BUILDABLE = new Set<number>([TERRAIN.GRASS, TERRAIN.FOREST, TERRAIN.DESERT, TERRAIN.ROCK])

/**
 * Actions placing powered extractors on ore in the outermost rows/columns of
 * chunks (the cells other chunks' halos copy), each with a solar panel beside
 * it: their progress / count / item / power change tick after tick, on seams.
 */
function seamExtractors(w: World, max: number): unknown[] {
  const out: unknown[] = []
  const n = w.size
  let k = 0
  for (let c = 0; c < chunkCount(n) - 2 && k < max; c++) {
    const info = chunkInfo(n, c)
    if (info.cols < 2) continue
    const cells = w.chunkCells(c)
    const at = (i: number, j: number) => cells[i * info.cols + j]
    for (let i = 0; i < info.rows && k < max; i++) {
      for (const j of [0, info.cols - 2]) {
        if (k >= max) break
        if (!(i === 0 || i === info.rows - 1 || j === 0)) continue
        const e = at(i, j), s = at(i, j + 1)
        const ore = e.res === RES.IRON || e.res === RES.COPPER || e.res === RES.STONE || e.res === RES.COAL
        if (!ore || e.amt < 20 || e.struct !== 0 || s.struct !== 0) continue
        if (![e, s].every((x) => BUILDABLE.has(x.terrain) && x.owner === 0 && !isPentagon(n, x.id))) continue
        const player = `seam${k++}`
        out.push({ type: 'join', player, cell: e.id })
        out.push({ type: 'place', player, cell: e.id, proto: 'extractor', dir: 1 })
        out.push({ type: 'place', player, cell: s.id, proto: 'solar' })
      }
    }
  }
  return out
}

if (nativeOrSkip(t)) {
  for (const [seed, size] of [[7, 9], [11, 16], [3, 64]] as const) {
    t.test(`seed ${seed} n=${size}: builders, then multi-tick requests, every byte equal`, async (t) => {
      const nb = new NativeBackend('thread', { threads: 2 })
      const ref = createWorld({ seed, size, allActive: true })
      const nat = createWorld({ seed, size, allActive: true, backend: nb, allocate: nb.allocate })
      try {
        const rnd = lcg(seed)
        let tick = 0
        let diverged = ''
        const seam = seamExtractors(ref, 12)
        ref.step(seam)
        await nat.stepAsync(seam)
        t.ok(seam.length > 0, `${seam.length / 3} powered extractors placed on chunk seams`)
        for (let round = 0; round < 6 && !diverged; round++) {
          // Builders act (stepped: one request per tick) ...
          for (let k = 0; k < 25; k++) {
            tick++
            const actions = actionsFor('builders', ref, tick, rnd)
            ref.step(actions)
            await nat.stepAsync(actions)
          }
          // ... then the world runs on by itself in multi-tick requests.
          for (const n of [1, 6, 2, 13]) {
            for (let k = 0; k < n; k++) ref.step([])
            await nb.tickMany(nat.tickInput(), n)
            tick += n
            if (!bytesEqual(ref.buffer, nat.buffer) || nat.hash() !== ref.hash()) { diverged = `tick ${ref.tick} (round ${round}, request of ${n})`; break }
          }
        }
        t.equal(diverged, '', 'identical bytes and hash after every request')
        t.ok(Object.values(ref.production()).some((v) => v > 0), `the seam extractors produced: ${JSON.stringify(ref.production())}`)
        t.same(nat.production(), ref.production())
      } finally { await nb.close() }
    })
  }
}
