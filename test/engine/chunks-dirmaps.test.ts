// Cross-check: the engine's halo specs (src/engine/halo.ts buildHaloSpec, built
// from the home chunks' halo sources) agree with geometry's chunkHaloSources
// (same halo entries) and with neighbors() (direction maps computed here from
// neighbour lists alone) for every chunk of several sizes, and each halo
// entry's home position holds the same cell in its home chunk.
import t from 'tap'
import * as c from '../../src/engine/chunks.ts'
import { NO_DIR, STRIDE } from '../../src/engine/layout.ts'
import { buildHaloSpec, sourcesCache } from '../../src/engine/halo.ts'
import { Failures, expectedHaloDir } from './geometry-helpers.ts'

for (const n of [1, 2, 5, 64, 65, 130]) {
  t.test(`size ${n}: engine halo specs = geometry halo sources and neighbour directions`, async (t) => {
    const sources = sourcesCache(n)
    const bad = new Failures()
    for (let chunk = 0; chunk < c.chunkCount(n); chunk++) {
      const spec = buildHaloSpec(n, chunk, sources)
      const halo = c.chunkHaloSources(n, chunk)
      const { rows, cols } = c.chunkInfo(n, chunk)
      let ring = 0
      for (let i = -1; i <= 64; i++) for (let j = -1; j <= 64; j++) {
        const inside = i >= 0 && i < rows && j >= 0 && j < cols
        if (!inside && halo[c.slotIndex(i, j)] >= 0) ring++
      }
      if (spec.pos.length !== ring) bad.add(`chunk ${chunk}: ${spec.pos.length} halo entries, geometry has ${ring}`)
      spec.pos.forEach((q, k) => {
        const id = halo[q]
        const home = sources(spec.srcChunk[k])
        if (home[spec.srcPos[k]] !== id) bad.add(`chunk ${chunk} entry ${k}: home position holds ${home[spec.srcPos[k]]}, not ${id}`)
        const i = Math.floor(q / STRIDE) - 1, j = (q % STRIDE) - 1
        const mine = [0, 1, 2, 3, 4, 5].map((e) => { const s = expectedHaloDir(n, halo, rows, cols, i, j, e); return s < 0 ? NO_DIR : s }).join()
        const theirs = [...spec.dirmap.slice(k * 6, k * 6 + 6)].join()
        if (mine !== theirs) bad.add(`chunk ${chunk} pos ${q}: dirmap ${theirs} vs geometry ${mine}`)
      })
    }
    t.equal(bad.count, 0, `all chunks agree ${bad.list()}`)
  })
}
