// The native kernel against the TS reference, tick by tick: the whole state
// buffer (every byte, halos and headers included) and the world hash must be
// identical after every tick, across seeds, sizes, scenarios (with actions,
// chunk loading and buffer growth), every sync mode and both native compute
// modes.
import t from 'tap'
import { createWorld, RULE } from '../../src/engine/index.ts'
import { hashTree } from '../../src/engine/hash.ts'
import { scenario } from '../../src/engine/scenarios/index.ts'
import { NativeBackend } from '../../src/native/backend.ts'
import { COMPUTES, SYNCS, nativeOrSkip } from './helpers.ts'
import { actionsFor, lcg } from './scenario.ts'

const bytesEqual = (a: ArrayBufferLike, b: ArrayBufferLike): boolean =>
  a.byteLength === b.byteLength && Buffer.compare(Buffer.from(a as ArrayBuffer), Buffer.from(b as ArrayBuffer)) === 0

interface Case { seed: number; size: number; scenario: string; ticks: number; compute: 'thread' | 'process'; sync: (typeof SYNCS)[number]; spinNs: number; threads: number }

const cases: Case[] = []
const seeds = [1, 42, 20261124]
let k = 0
for (const compute of COMPUTES) for (const sync of SYNCS) {
  // Rotate seeds/sizes/scenarios across the mode grid so every mode sees
  // actions and every seed sees several modes, in a short run.
  const seed = seeds[k % seeds.length]
  cases.push({ seed, size: [9, 40, 130][k % 3], scenario: 'builders', ticks: 50, compute, sync, spinNs: k % 2 ? 20000 : 0, threads: 1 + (k % 2) })
  cases.push({ seed: seed + 1, size: 24, scenario: 'quiet', ticks: 30, compute, sync, spinNs: 0, threads: 2 })
  k++
}

if (nativeOrSkip(t)) {
  for (const c of cases) {
    t.test(`${c.compute}/${c.sync} spin=${c.spinNs} threads=${c.threads}: seed ${c.seed} n=${c.size} ${c.scenario}`, async (t) => {
      const nb = new NativeBackend(c.compute, { sync: c.sync, spinNs: c.spinNs, threads: c.threads })
      const ref = createWorld({ seed: c.seed, size: c.size })
      const nat = createWorld({ seed: c.seed, size: c.size, backend: nb, allocate: nb.allocate })
      const rnd = lcg(c.seed)
      let diverged = -1
      let accepted = 0, updated = 0, changed = 0
      try {
        for (let tick = 1; tick <= c.ticks; tick++) {
          const actions = actionsFor(c.scenario, ref, tick, rnd)
          const a = ref.step(actions)
          const b = await nat.stepAsync(actions)
          accepted += a.results.filter((r) => r.ok).length
          updated += a.cellsUpdated
          changed += a.changedChunks.length
          if (a.hash !== b.hash || !bytesEqual(ref.buffer, nat.buffer) || a.cellsUpdated !== b.cellsUpdated ||
              JSON.stringify(a.changedChunks) !== JSON.stringify(b.changedChunks) || JSON.stringify(a.results) !== JSON.stringify(b.results)) {
            diverged = tick
            t.fail(`tick ${tick}: js ${a.hash} vs ${c.compute} ${b.hash}`)
            break
          }
        }
        t.equal(diverged, -1, `identical bytes and hash on each of ${c.ticks} ticks (final ${ref.hash()})`)
        t.ok(updated > 0 && changed > 0, 'the run did real work (cells updated and changed)')
        if (c.scenario === 'builders') t.ok(accepted > 3, `actions were applied (${accepted} accepted)`)
      } finally {
        await nb.close()
      }
    })
  }

  for (const compute of COMPUTES) {
    t.test(`${compute}: multi-tick requests (worker commits, hashes deferred) equal tick-by-tick TS`, async (t) => {
      const nb = new NativeBackend(compute, { threads: 2 })
      const ref = createWorld({ seed: 3, size: 48, allActive: true })
      const nat = createWorld({ seed: 3, size: 48, allActive: true, backend: nb, allocate: nb.allocate })
      try {
        const rnd = lcg(3)
        for (let tick = 1; tick <= 4; tick++) {
          const actions = actionsFor('builders', ref, tick, rnd)
          ref.step(actions)
          await nat.stepAsync(actions)
        }
        for (const n of [1, 7, 30, 2]) {
          for (let k = 0; k < n; k++) ref.step([])
          const out = await nb.tickMany(nat.tickInput(), n)
          t.equal(out.ticks, n)
          t.equal(nat.tick, ref.tick)
          t.equal(nat.hash(), ref.hash(), `after ${n} more ticks: same hash`)
          t.ok(bytesEqual(ref.buffer, nat.buffer), 'same bytes')
        }
      } finally { await nb.close() }
    })
  }

  for (const compute of COMPUTES) {
    t.test(`${compute}: the factory scenario (machines, conveyors, power) tick by tick`, async (t) => {
      const sc = scenario('factory')
      const nb = new NativeBackend(compute, { threads: 2 })
      const ref = createWorld({ seed: 42, size: 32 })
      const nat = createWorld({ seed: 42, size: 32, backend: nb, allocate: nb.allocate })
      try {
        const first = sc.setup(ref)
        t.same(sc.setup(nat), first, 'same setup actions')
        let same = true
        for (let tick = 0; tick < 250; tick++) {
          const a = ref.step(tick === 0 ? first : [])
          const b = await nat.stepAsync(tick === 0 ? first : [])
          if (a.hash !== b.hash || !bytesEqual(ref.buffer, nat.buffer)) { same = false; t.fail(`tick ${a.tick} differs`); break }
        }
        t.ok(same, '250 identical ticks')
        const made = sc.finalItem ? nat.production()[sc.finalItem] ?? 0 : 0
        t.ok(made > 0, `the final product was made natively (${made} ${sc.finalItem})`)
        t.same(nat.production(), ref.production())
      } finally { await nb.close() }
    })
  }

  // Multi-tick requests reuse halos whose sources did not change (kernel.cc
  // copyHalo): a working factory (changing every tick next to quiet chunks)
  // and a long settling run must still give every byte.
  t.test('multi-tick requests over a working factory and a settling world equal tick-by-tick TS', async (t) => {
    for (const [seed, size, sc] of [[42, 32, 'factory'], [5, 40, null]] as const) {
      const nb = new NativeBackend('thread', { threads: 2 })
      const ref = createWorld({ seed, size, allActive: true })
      const nat = createWorld({ seed, size, allActive: true, backend: nb, allocate: nb.allocate })
      try {
        if (sc) {
          const first = scenario(sc).setup(ref)
          scenario(sc).setup(nat)
          ref.step(first)
          await nat.stepAsync(first)
        }
        for (const n of [40, 3, 120, 1, 60]) {
          for (let k = 0; k < n; k++) ref.step([])
          await nb.tickMany(nat.tickInput(), n)
          t.ok(bytesEqual(ref.buffer, nat.buffer), `seed ${seed} n=${size} ${sc ?? 'quiet'}: same bytes at tick ${ref.tick}`)
          t.equal(nat.hash(), ref.hash())
        }
      } finally { await nb.close() }
    }
  })

  t.test('across a winter tick (every RULE.SEASON_TICKS), tick by tick', async (t) => {
    const season = RULE.SEASON_TICKS
    const nb = new NativeBackend('thread', { threads: 2 })
    const ref = createWorld({ seed: 11, size: 24 })
    const nat = createWorld({ seed: 11, size: 24, backend: nb, allocate: nb.allocate })
    try {
      for (let k = 0; k < season - 5; k++) ref.step([])
      await nb.tickMany(nat.tickInput(), season - 5)
      t.equal(nat.hash(), ref.hash(), `same hash at tick ${ref.tick}`)
      let sameAll = true
      for (let k = 0; k < 10; k++) {
        const a = ref.step([])
        const b = await nat.stepAsync([])
        if (a.hash !== b.hash || !bytesEqual(ref.buffer, nat.buffer) || a.cellsUpdated !== b.cellsUpdated) { sameAll = false; t.fail(`tick ${a.tick} differs`); break }
      }
      t.ok(sameAll, `ticks ${season - 4}..${season + 5} identical, winter tick ${season} included`)
    } finally { await nb.close() }
  })

  t.test('the worker computes the same chunk hash tree as the engine', async (t) => {
    const nb = new NativeBackend('process', {})
    const w = createWorld({ seed: 4, size: 200, backend: nb, allocate: nb.allocate })
    try {
      await w.stepAsync([{ type: 'join', player: 'a' }])
      for (let k = 0; k < 5; k++) await w.stepAsync([])
      const leaves = w.chunks.hashLeaves()
      const slots = w.chunks.resident().map((c) => w.chunks.slotOf(c)!)
      const parked = leaves.filter((l) => w.chunks.slotOf(l.chunk) === undefined)
      t.same(await nb.hashTree(slots, parked), hashTree(leaves))
      t.same(await nb.hashTree([]), [0, 0], 'no leaves: (0, 0)')
      await t.rejects(nb.hashTree([1e6]), { code: 'HEXD_NATIVE_REQUEST', message: /beyond capacity/ })
    } finally { await nb.close() }
  })

  t.test('the world growing its buffer moves to a new region and worker, still identical', async (t) => {
    const nb = new NativeBackend('process', {})
    const ref = createWorld({ seed: 2, size: 300, capacity: 2 })
    const nat = createWorld({ seed: 2, size: 300, capacity: 2, backend: nb, allocate: nb.allocate })
    try {
      for (let tick = 1; tick <= 8; tick++) {
        const acts = tick === 1 ? [{ type: 'join', player: 'a' }, { type: 'join', player: 'b' }] : []
        const a = ref.step(acts)
        const b = await nat.stepAsync(acts)
        t.equal(b.hash, a.hash, `tick ${tick}`)
      }
      t.ok(nat.bufferVersion > 2, `the buffer was reallocated (${nat.bufferVersion - 1} times)`)
      t.ok(bytesEqual(ref.buffer, nat.buffer))
    } finally { await nb.close() }
  })

  t.test('the native backend refuses a buffer it did not allocate', async (t) => {
    const nb = new NativeBackend('thread', {})
    const w = createWorld({ seed: 1, size: 8, backend: nb })
    await t.rejects(w.stepAsync([]), { code: 'HEXD_NATIVE_UNAVAILABLE', message: /buffer it allocated/ })
    await nb.close()
  })
}
