// Chunks: ids, the partition of the world into chunks, cell -> chunk -> cells
// round trips, halo sources equal to the neighbour sets (and −1 exactly where
// there is no neighbour), chunk neighbours symmetric and equal to the chunks
// holding the chunk cells' neighbours; exhaustive on sizes around multiples
// of 64, random on large sizes up to 2^24.
import t from 'tap'
import fc from 'fast-check'
import * as g from '../../src/engine/geometry.ts'
import * as c from '../../src/engine/chunks.ts'
import { NO_DIR } from '../../src/engine/layout.ts'
import { sourcesCache } from '../../src/engine/halo.ts'
import { Failures, expectedHaloDir, largeCell, tickDirmap } from './geometry-helpers.ts'

/**
 * Checks one chunk's direction maps (the tick's: src/engine/halo.ts through a
 * slot's halo table): an interior cell maps e -> e; a halo cell
 * X maps e -> s exactly when the interior position one step s away holds X's
 * neighbour e; and every halo cell's defined entries turn by one common
 * multiple of 60° (frames differ by a rotation, never a reflection).
 */
function checkDirMaps(n: number, chunk: number, bad: Failures): void {
  const halo = c.chunkHaloSources(n, chunk)
  const maps = tickDirmap(n, chunk, sourcesCache(n))
  const { rows, cols } = c.chunkInfo(n, chunk)
  const interior = (i: number, j: number) => i >= 0 && i < rows && j >= 0 && j < cols
  for (let i = -1; i <= 64; i++) {
    for (let j = -1; j <= 64; j++) {
      const p = c.slotIndex(i, j)
      const map = [...maps.slice(p * 6, p * 6 + 6)]
      if (interior(i, j)) {
        if (map.join() !== '0,1,2,3,4,5') bad.add(`chunk ${chunk} (${i},${j}) interior map ${map}`)
        continue
      }
      if (halo[p] < 0) {
        if (map.some((v) => v !== NO_DIR)) bad.add(`chunk ${chunk} (${i},${j}) empty position has a map`)
        continue
      }
      const nb = g.neighbors(n, halo[p])
      const turns = new Set<number>()
      for (let e = 0; e < 6; e++) {
        const want = expectedHaloDir(n, halo, rows, cols, i, j, e)
        if (map[e] !== (want < 0 ? NO_DIR : want)) bad.add(`chunk ${chunk} (${i},${j}) e=${e}: ${map[e]} != ${want}`)
        if (want >= 0) turns.add((want - e + 6) % 6)
      }
      if (nb.length === 6 && turns.size > 1) bad.add(`chunk ${chunk} (${i},${j}) frame is not a rotation: ${map}`)
    }
  }
}

/**
 * Checks one chunk's halo against neighbors(): every chunk cell's neighbour in
 * direction s sits at (i, j) + DIRECTIONS[s], and every other position that
 * is not a chunk cell is −1. Returns the chunks holding those neighbours.
 */
function checkHalo(n: number, chunk: number, bad: Failures): Set<number> {
  const halo = c.chunkHaloSources(n, chunk)
  const cells = c.chunkCells(n, chunk)
  const expected = new Map<number, number>()
  const owners = new Set<number>()
  for (const id of cells) {
    const { chunk: ch, i, j } = c.cellToChunk(n, id)
    if (ch !== chunk) bad.add(`cell ${id} of chunk ${chunk} maps to chunk ${ch}`)
    expected.set(c.slotIndex(i, j), id)
    g.neighbors(n, id).forEach((x, s) => {
      const [di, dj] = g.DIRECTIONS[s]
      const at = c.slotIndex(i + di, j + dj)
      const prev = expected.get(at)
      if (prev !== undefined && prev !== x) bad.add(`chunk ${chunk}: slot (${i + di},${j + dj}) is both ${prev} and ${x}`)
      expected.set(at, x)
      owners.add(c.cellToChunk(n, x).chunk)
    })
  }
  for (let p = 0; p < c.SLOT_CELLS; p++) {
    const want = expected.get(p) ?? -1
    if (halo[p] !== want) bad.add(`chunk ${chunk} slot ${p}: ${halo[p]} != ${want}`)
  }
  owners.delete(chunk)
  return owners
}

for (const n of [1, 2, 3, 7, 63, 64, 65, 100, 128, 129]) {
  t.test(`size ${n}: chunks partition the world; halos and chunk neighbours`, async (t) => {
    const cps = c.chunksPerSide(n)
    t.equal(cps, Math.ceil(n / 64))
    const count = c.chunkCount(n)
    t.equal(count, 10 * cps * cps + 2)
    const seen = new Uint8Array(g.cellCount(n))
    const bad = new Failures(), trip = new Failures(), nbBad = new Failures(), dirBad = new Failures()
    const nbs: number[][] = []
    for (let chunk = 0; chunk < count; chunk++) {
      const info = c.chunkInfo(n, chunk)
      const cells = c.chunkCells(n, chunk)
      if (cells.length !== info.rows * info.cols) trip.add(`chunk ${chunk} has ${cells.length} cells, not ${info.rows}×${info.cols}`)
      cells.forEach((id, k) => {
        seen[id]++
        const { chunk: ch, i, j } = c.cellToChunk(n, id)
        if (ch !== chunk || i * info.cols + j !== k) trip.add(`cell ${id}: (${ch}, ${i}, ${j}) vs chunk ${chunk} index ${k}`)
      })
      const owners = checkHalo(n, chunk, bad)
      if (n <= 65) checkDirMaps(n, chunk, dirBad)
      const nb = c.chunkNeighbors(n, chunk)
      nbs.push(nb)
      if (JSON.stringify(nb) !== JSON.stringify([...owners].sort((x, y) => x - y))) nbBad.add(`chunk ${chunk}: ${nb} vs ${[...owners]}`)
    }
    t.ok(seen.every((v) => v === 1), 'every cell is in exactly one chunk')
    t.equal(trip.count, 0, `cell -> chunk -> cells round trips ${trip.list()}`)
    t.equal(bad.count, 0, `halo sources are exactly the neighbour sets ${bad.list()}`)
    t.equal(nbBad.count, 0, `chunk neighbours are the chunks holding neighbours ${nbBad.list()}`)
    t.equal(dirBad.count, 0, `direction maps follow each halo cell's own frame ${dirBad.list()}`)
    const asym = nbs.flatMap((nb, a) => nb.filter((b) => !nbs[b].includes(a)).map((b) => `${a}->${b}`))
    t.same(asym, [], 'chunk neighbourhood is symmetric')
    t.same(c.chunkCells(n, 10 * cps * cps), [0], 'north pole chunk')
    t.same(c.chunkCells(n, 10 * cps * cps + 1), [1], 'south pole chunk')
    t.same(c.chunkNeighbors(n, 10 * cps * cps), [0, 1, 2, 3, 4].map((k) => k * cps * cps), 'the north pole chunk touches the 5 north corner chunks')
  })
}

t.test('large sizes: cell -> chunk -> cell, and halos of random chunks', async (t) => {
  fc.assert(
    fc.property(largeCell, ({ n, id }) => {
      const { chunk, i, j } = c.cellToChunk(n, id)
      const info = c.chunkInfo(n, chunk)
      if (i < 0 || j < 0 || i >= info.rows || j >= info.cols) return false
      const halo = c.chunkHaloSources(n, chunk)
      if (halo[c.slotIndex(i, j)] !== id) return false
      // The cell's neighbours sit around it in the slot.
      return g.neighbors(n, id).every((x, s) => halo[c.slotIndex(i + g.DIRECTIONS[s][0], j + g.DIRECTIONS[s][1])] === x)
    }),
    { numRuns: 1000 },
  )
  t.pass('1000 random cells')
  const n = 2 ** 24
  const cps = c.chunksPerSide(n)
  t.equal(c.chunkCount(n), 10 * 2 ** 36 + 2)
  const last = 10 * cps * cps - 1 // south 4's far corner chunk, next to the south pole
  const bad = new Failures()
  const owners = checkHalo(n, last, bad)
  t.equal(bad.count, 0, `halo of the last chunk at 2^24 ${bad.list()}`)
  t.ok(owners.has(10 * cps * cps + 1), 'it touches the south pole chunk')
  t.same(c.chunkNeighbors(n, last), [...owners].sort((x, y) => x - y))
  checkDirMaps(n, last, bad)
  checkDirMaps(n, 0, bad)
  t.equal(bad.count, 0, `direction maps at 2^24 ${bad.list()}`)
  // Every chunk holding a pentagon (each diamond's corner (n, 0)), whole and partial.
  for (const size of [2 ** 24, 2 ** 24 - 1]) {
    const corner = new Failures()
    for (let d = 0; d < 10; d++) {
      const { chunk } = c.cellToChunk(size, 2 + d * size * size + (size - 1) * size)
      checkHalo(size, chunk, corner)
      checkDirMaps(size, chunk, corner)
    }
    t.equal(corner.count, 0, `size ${size}: halos and direction maps of the 10 pentagon chunks ${corner.list()}`)
  }
})

t.test('bad chunk ids are rejected', async (t) => {
  t.throws(() => c.chunkCells(64, 12), { code: 'HEXD_BAD_CHUNK', field: 'chunk', message: /got 12/ })
  t.throws(() => c.chunkHaloSources(64, -1), { code: 'HEXD_BAD_CHUNK' })
  t.throws(() => c.chunkInfo(64, 0.5), { code: 'HEXD_BAD_CHUNK' })
  t.throws(() => c.cellToChunk(64, 40962), { code: 'HEXD_BAD_CELL' })
  t.throws(() => c.chunkCount(0), { code: 'HEXD_BAD_OPTION', field: 'size' })
})
