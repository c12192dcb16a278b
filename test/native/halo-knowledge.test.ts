// Halo knowledge kept across tick requests (kernel.cc keepOrForget): the
// worker skips re-copying halos whose sources did not change since the last
// request, so everything the TS side writes between requests must reach it
// (World -> ChunkSet.noteWritten -> the request's `written` list), and
// anything it cannot see (a TS tick in between, a request without a write
// log, a restarted worker) must make it forget. Each case compares every byte
// of the state and the hash with the TS reference after every request.
import t from 'tap'
import { chunkCount, chunkInfo, createWorld, jsBackend, layout, type World } from '../../src/engine/index.ts'
import { NativeBackend } from '../../src/native/backend.ts'
import { COMPUTES, nativeOrSkip } from './helpers.ts'
import { lcg } from './scenario.ts'
import { generateChunk, seedHalves } from '../../src/engine/generate.ts'
import { chunkHashOf } from '../../src/engine/slot.ts'

const same = (a: World, b: World): boolean =>
  a.hash() === b.hash() && Buffer.compare(Buffer.from(a.buffer as ArrayBuffer), Buffer.from(b.buffer as ArrayBuffer)) === 0

/**
 * Writes a few cells on chunk borders (the halo sources of the neighbours),
 * the same in both worlds; power on a chunk without structures too (the
 * worker's "power known 0" fact must be forgotten). Returns how many.
 */
function writeSeams(a: World, b: World, rand: () => number, count: number): number {
  const rnd = (): number => Math.floor(rand() * 2 ** 30)
  const chunks = chunkCount(a.size)
  let wrote = 0
  for (let k = 0; k < count; k++) {
    const c = rnd() % chunks
    const info = chunkInfo(a.size, c)
    if (info.pole !== null || info.rows === 0 || info.cols === 0) continue
    const cells = a.chunkCells(c)
    const side = rnd() % 4
    const r = side === 0 ? 0 : side === 1 ? info.rows - 1 : rnd() % info.rows
    const j = side === 2 ? 0 : side === 3 ? info.cols - 1 : rnd() % info.cols
    const id = cells[r * info.cols + j].id
    const f = { res: rnd() % 4, amt: rnd() % 256, power: 1 + (rnd() % 200), stock: rnd() % 50, owner: rnd() % 3 }
    a.debugSetCell(id, f)
    b.debugSetCell(id, f)
    wrote++
  }
  return wrote
}

if (nativeOrSkip(t)) {
  for (const compute of COMPUTES) {
    t.test(`${compute}: seam writes between single-tick requests`, async (t) => {
      const nb = new NativeBackend(compute, { threads: 2 })
      const ref = createWorld({ seed: 11, size: 100, allActive: true })
      const nat = createWorld({ seed: 11, size: 100, allActive: true, backend: nb, allocate: nb.allocate })
      const rnd = lcg(11)
      let bad = -1, wrote = 0
      try {
        for (let tick = 1; tick <= 40 && bad < 0; tick++) {
          if (tick % 3 !== 0) wrote += writeSeams(ref, nat, rnd, 1 + (tick % 5))
          ref.step([])
          await nat.stepAsync([])
          if (!same(ref, nat)) bad = tick
        }
        t.equal(bad, -1, `identical bytes and hash after each of 40 requests (${wrote} seam writes)`)
        t.ok(wrote > 20, 'seam cells were written between requests')
      } finally {
        await nb.close()
      }
    })

    t.test(`${compute}: writes between multi-tick requests, a TS tick in between, a request without a write log`, async (t) => {
      const nb = new NativeBackend(compute, { threads: 2 })
      const ref = createWorld({ seed: 5, size: 70, allActive: true })
      const nat = createWorld({ seed: 5, size: 70, allActive: true, backend: nb, allocate: nb.allocate })
      const rnd = lcg(5)
      try {
        for (let tick = 1; tick <= 3; tick++) { ref.step([]); await nat.stepAsync([]) }
        const check = (what: string): void => { t.ok(same(ref, nat), `${what}: identical bytes and hash at tick ${ref.tick}`) }
        for (const n of [4, 1, 9]) {
          writeSeams(ref, nat, rnd, 6)
          for (let k = 0; k < n; k++) ref.step([])
          await nb.tickMany(nat.tickInput(), n)
          check(`seam writes, then a ${n}-tick request`)
        }
        // A tick the worker did not compute: its knowledge no longer matches
        // the world header, so it must start over.
        nat.backend = jsBackend()
        ref.step([]); nat.step([])
        nat.backend = nb
        for (let k = 0; k < 3; k++) { ref.step([]); await nat.stepAsync([]) }
        check('a TS tick between native requests')
        // Writes the request does not list (no write log): basis 0, forget all.
        writeSeams(ref, nat, rnd, 6)
        ref.step([]); ref.step([])
        await nb.tickMany({ ...nat.tickInput(), written: undefined }, 2)
        check('a request without a write log after seam writes')
      } finally {
        await nb.close()
      }
    })
  }

  // The worker keeps each slot's forest/grass masks (kernel.cc, seventh
  // pass) while the TS side does not write the slot: a terrain write between
  // requests (here: biomass put on grass, forest or desert, whose capacities
  // differ) must reach the next tick.
  t.test('thread: terrain writes between multi-tick requests', async (t) => {
    const nb = new NativeBackend('thread', { threads: 2 })
    const ref = createWorld({ seed: 6, size: 60, allActive: true })
    const nat = createWorld({ seed: 6, size: 60, allActive: true, backend: nb, allocate: nb.allocate })
    const rnd = lcg(6)
    const pick = (n: number): number => Math.floor(rnd() * n)
    try {
      for (let tick = 1; tick <= 3; tick++) { ref.step([]); await nat.stepAsync([]) }
      let wrote = 0
      for (const n of [3, 1, 5, 2]) {
        for (let k = 0; k < 40; k++) {
          const c = pick(chunkCount(60))
          const info = chunkInfo(60, c)
          if (info.pole !== null || info.rows === 0 || info.cols === 0) continue
          const cells = ref.chunkCells(c)
          const id = cells[pick(cells.length)].id
          const f = { terrain: [2, 3, 4][pick(3)], res: 1, amt: 1 + pick(60) }
          ref.debugSetCell(id, f)
          nat.debugSetCell(id, f)
          wrote++
        }
        for (let k = 0; k < n; k++) ref.step([])
        await nb.tickMany(nat.tickInput(), n)
        t.ok(same(ref, nat), `terrain writes, then a ${n}-tick request: identical bytes and hash at tick ${ref.tick}`)
      }
      t.ok(wrote > 100, `${wrote} terrain writes`)
    } finally {
      await nb.close()
    }
  })

  t.test('thread: a GENERATE request between ticks makes the worker forget', async (t) => {
    const nb = new NativeBackend('thread', { threads: 2 })
    const ref = createWorld({ seed: 4, size: 100, allActive: true })
    const nat = createWorld({ seed: 4, size: 100, allActive: true, backend: nb, allocate: nb.allocate })
    try {
      for (let tick = 1; tick <= 30; tick++) { ref.step([]); await nat.stepAsync([]) }
      // Regenerate a few active chunks in place (the world has grown since):
      // the TS reference with generateChunk, the native world with GENERATE,
      // which the engine's write log does not see.
      const jobs = ref.chunks.active.slice(3, 6).map((slot) => ({ slot, chunk: ref.chunks.chunkOfSlot[slot] }))
      const flags = jobs.map(({ slot }) => ref.chunks.slots[slot]!.hdr[layout.SH.FLAGS])
      for (const { slot, chunk } of jobs) {
        const sv = ref.chunks.slots[slot]!
        generateChunk(seedHalves(4), 100, chunk, sv.copies, sv.hdr)
      }
      await nb.generate(jobs)
      for (const [w, { slot }] of [ref, nat].flatMap((w) => jobs.map((j) => [w, j] as const))) {
        const sv = w.chunks.slots[slot]!
        sv.hdr[layout.SH.FLAGS] = flags[jobs.findIndex((j) => j.slot === slot)]
        const [lo, hi] = chunkHashOf(sv.copies[w.chunks.cur], sv.hdr)
        sv.hdr[layout.SH.HASH_LO] = lo
        sv.hdr[layout.SH.HASH_HI] = hi
      }
      t.ok(same(ref, nat), 'both worlds hold the regenerated chunks')
      let bad = -1
      for (let tick = 1; tick <= 5 && bad < 0; tick++) { ref.step([]); await nat.stepAsync([]); if (!same(ref, nat)) bad = tick }
      t.equal(bad, -1, 'identical bytes and hash after each of 5 requests')
    } finally {
      await nb.close()
    }
  })

  t.test('process: a worker killed between requests starts over', async (t) => {
    const nb = new NativeBackend('process', { threads: 1 })
    const ref = createWorld({ seed: 8, size: 48, allActive: true })
    const nat = createWorld({ seed: 8, size: 48, allActive: true, backend: nb, allocate: nb.allocate })
    const rnd = lcg(8)
    try {
      for (let tick = 1; tick <= 4; tick++) { ref.step([]); await nat.stepAsync([]) }
      const sup = nb.supervisor!
      const before = sup.pid
      process.kill(before, 'SIGKILL')
      writeSeams(ref, nat, rnd, 6)
      for (let tick = 1; tick <= 6; tick++) { ref.step([]); await nat.stepAsync([]) }
      t.not(sup.pid, before, 'a new worker answered')
      t.ok(same(ref, nat), 'identical bytes and hash after the restart')
    } finally {
      await nb.close()
    }
  })
}
