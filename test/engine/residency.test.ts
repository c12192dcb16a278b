// The active set: every online player's chunk rings up to the radius, plus
// chunks holding structures, whatever else is already active.
import t from 'tap'
import { activeChunks, neighbourCache, type Reach } from '../../src/engine/residency.ts'
import { cellToChunk, chunkCells } from '../../src/engine/chunks.ts'
import type { Players } from '../../src/engine/players.ts'

const n = 640 // 10×10 chunks per diamond: room for rings of radius 2
const reach: Reach = { n, radius: 2, neighbours: neighbourCache(n) }
const playersAt = (...cells: number[]) => ({ all: () => cells.map((cell) => ({ cell, online: true })) }) as unknown as Players

function ring(start: number, radius: number): Set<number> {
  const seen = new Set([start])
  let frontier = [start]
  for (let r = 0; r < radius; r++) {
    const next: number[] = []
    for (const c of frontier) for (const nb of reach.neighbours(c)) if (!seen.has(nb)) { seen.add(nb); next.push(nb) }
    frontier = next
  }
  return seen
}

t.test('a player keeps its full ring even when a structure chunk is already active', async (t) => {
  const home = cellToChunk(n, chunkCells(n, 45)[0]).chunk
  const nb = reach.neighbours(home)[0]
  const alone = new Set(activeChunks(reach, false, [], playersAt(chunkCells(n, home)[0])))
  const withStructure = new Set(activeChunks(reach, false, [nb], playersAt(chunkCells(n, home)[0])))
  t.same([...alone].sort((a, b) => a - b), [...ring(home, 2)].sort((a, b) => a - b), 'alone: exactly the radius-2 ring')
  for (const c of ring(home, 2)) t.ok(withStructure.has(c), `chunk ${c} of the ring stays active next to a structure chunk`)
})

t.test('two players next to each other each keep their ring, whatever their order', async (t) => {
  const a = chunkCells(n, 45)[0]
  const b = chunkCells(n, reach.neighbours(45)[1])[0]
  const ab = new Set(activeChunks(reach, false, [], playersAt(a, b)))
  const ba = new Set(activeChunks(reach, false, [], playersAt(b, a)))
  t.same([...ab].sort((x, y) => x - y), [...ba].sort((x, y) => x - y), 'same set in either order')
  for (const c of ring(cellToChunk(n, b).chunk, 2)) t.ok(ab.has(c), `b's ring chunk ${c} is active`)
})
