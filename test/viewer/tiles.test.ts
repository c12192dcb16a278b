// Tiles drawn for cells, positions from the engine's geometry: pentagons, hexagons,
// shared corners between neighbours, orientation; clicking maps back to cells.
import t from 'tap'
import { cellCount, neighbors, pentagon, unitXYZ } from '../../src/engine/geometry.ts'
import { buildTiles, cellCorners } from '../../viewer/src/tiles.ts'
import { cellAtRay, raySphere } from '../../viewer/src/pick.ts'
import { TOOLS, nextInput, sameTool, toolAction, toolClick } from '../../viewer/src/tools.ts'
import { cellToChunk } from '../../src/engine/chunks.ts'

const key = (p: number[]) => p.map((x) => x.toFixed(6)).join()

t.test('corners: 5 for pentagons, 6 for hexagons, on the sphere, counter-clockwise, shared by neighbours', async (t) => {
  const n = 8
  let pent = 0
  for (let id = 0; id < cellCount(n); id++) {
    const cs = cellCorners(n, id)
    t.equal(cs.length, pentagon(n, id) ? 5 : 6)
    if (cs.length === 5) pent++
    const c = unitXYZ(n, id)
    for (let i = 0; i < cs.length; i++) {
      const p = cs[i], q = cs[(i + 1) % cs.length]
      if (Math.abs(Math.hypot(...p) - 1) > 1e-9) t.fail(`corner of ${id} off the sphere`)
      // (p − c) × (q − c) points outward: counter-clockwise seen from outside.
      const u = [p[0] - c[0], p[1] - c[1], p[2] - c[2]], v = [q[0] - c[0], q[1] - c[1], q[2] - c[2]]
      const cross = [u[1] * v[2] - u[2] * v[1], u[2] * v[0] - u[0] * v[2], u[0] * v[1] - u[1] * v[0]]
      if (cross[0] * c[0] + cross[1] * c[1] + cross[2] * c[2] <= 0) t.fail(`cell ${id} corner ${i} is not counter-clockwise`)
    }
    // Each neighbour shares exactly two corners with this cell.
    const mine = new Set(cs.map(key))
    for (const nb of neighbors(n, id)) {
      const shared = cellCorners(n, nb).map(key).filter((k) => mine.has(k)).length
      if (shared !== 2) t.fail(`cells ${id} and ${nb} share ${shared} corners`)
    }
  }
  t.equal(pent, 12, 'twelve pentagons')
  t.throws(() => cellCorners(n, cellCount(n)), /cell/)
})

t.test('buildTiles: one fan per cell', async (t) => {
  const ids = [0, 1, 2, 100]
  const tl = buildTiles(8, ids, 0.9)
  const corners = ids.map((id) => cellCorners(8, id).length)
  t.same([...tl.count], corners.map((k) => k + 1))
  t.equal(tl.positions.length, corners.reduce((s, k) => s + k + 1, 0) * 3)
  t.equal(tl.indices.length, corners.reduce((s, k) => s + k, 0) * 3)
  t.same([...tl.first], [0, corners[0] + 1, corners[0] + corners[1] + 2, corners[0] + corners[1] + corners[2] + 3])
  // Vertex first[k] is the centre of ids[k]; inset corners lie nearer to it than the true corners.
  const k = 3, f = tl.first[k]
  t.same([...tl.positions.slice(f * 3, f * 3 + 3)].map((x) => x.toFixed(5)), unitXYZ(8, 100).map((x) => x.toFixed(5)))
  const c = unitXYZ(8, 100), true0 = cellCorners(8, 100)[0]
  const inset0 = [...tl.positions.slice((f + 1) * 3, (f + 1) * 3 + 3)]
  const d = (p: number[]) => Math.hypot(p[0] - c[0], p[1] - c[1], p[2] - c[2])
  t.ok(d(inset0) < d(true0), 'inset pulls corners in')
  for (const i of tl.indices) if (i >= tl.positions.length / 3) t.fail('index out of range')
  t.throws(() => buildTiles(8, ids, 0), /inset/)
  t.throws(() => buildTiles(8, ids, 1.5), /inset/)
})

t.test('picking: a ray through a cell centre names that cell; a miss is null', async (t) => {
  t.same(raySphere([0, 0, 3], [0, 0, -1]), [0, 0, 1])
  t.same(raySphere([0, 0, 0], [0, 0, 2]), [0, 0, 1], 'from inside: the exit point')
  t.equal(raySphere([0, 2, 3], [0, 0, -1]), null)
  t.equal(raySphere([0, 0, 3], [0, 0, 1]), null, 'pointing away')
  t.throws(() => raySphere([0, 0, 3], [0, 0, 0]), /non-zero/)
  const n = 16
  for (const id of [0, 1, 5, 77, 1000, cellCount(n) - 1]) {
    const c = unitXYZ(n, id)
    const origin: [number, number, number] = [c[0] * 2.5 + 0.1, c[1] * 2.5 - 0.05, c[2] * 2.5]
    t.equal(cellAtRay(n, origin, [c[0] - origin[0], c[1] - origin[1], c[2] - origin[2]]), id, `cell ${id}`)
  }
  t.equal(cellAtRay(n, [0, 5, 5], [0, 0, 1]), null)
})

t.test('tools', async (t) => {
  t.same(toolAction({ kind: 'claim' }, 7, 0), { type: 'claim', cell: 7 })
  t.same(toolAction({ kind: 'move' }, 7, 3), { type: 'move', cell: 7 })
  t.same(toolAction({ kind: 'remove' }, 7, 3), { type: 'remove', cell: 7 })
  t.same(toolAction({ kind: 'place', proto: 'conveyor' }, 7, 2), { type: 'place', cell: 7, proto: 'conveyor', dir: 2 })
  t.throws(() => toolAction({ kind: 'claim' }, 7, 6), /dir/)
  t.equal(TOOLS.length, 7 + 9)
  t.same(toolAction({ kind: 'rotate' }, 7, 4), { type: 'rotate', cell: 7, dir: 4 })
  t.throws(() => toolAction({ kind: 'recipe' }, 7, 0), /sends no action/)
  t.throws(() => toolAction({ kind: 'watch' }, 7, 0), /sends no action/)
  // toolClick: rotate steps the shown direction; recipe opens the menu; watch toggles the chunk.
  t.same(toolClick({ kind: 'rotate' }, 7, 0, { id: 7, struct: 2, dir: 5 }, 16), { kind: 'act', action: { type: 'rotate', cell: 7, dir: 0 } })
  t.same(toolClick({ kind: 'rotate' }, 7, 0, { id: 7, struct: 2 }, 16), { kind: 'act', action: { type: 'rotate', cell: 7, dir: 1 } })
  t.same(toolClick({ kind: 'rotate' }, 7, 0, undefined, 16), { kind: 'act', action: { type: 'rotate', cell: 7, dir: 1 } })
  t.same(toolClick({ kind: 'recipe' }, 7, 0, undefined, 16), { kind: 'menu', cell: 7 })
  // input: same direction, the next input (never the output side); place carries a chosen recipe.
  t.same(toolClick({ kind: 'input' }, 7, 0, { id: 7, struct: 2, dir: 5, recipe: 2 }, 16), { kind: 'act', action: { type: 'rotate', cell: 7, dir: 5, input: 3 } })
  t.same(toolClick({ kind: 'input' }, 7, 0, { id: 7, struct: 2, dir: 3, recipe: 2 }, 16), { kind: 'act', action: { type: 'rotate', cell: 7, dir: 3, input: 4 } }, 'skips the output side')
  t.same(toolClick({ kind: 'input' }, 7, 0, { id: 7, struct: 2 }, 16), { kind: 'act', action: { type: 'rotate', cell: 7, dir: 0, input: 1 } }, 'input 0 (a missing field) steps to 1')
  t.same([0, 1, 2, 3, 4, 5].map((i) => nextInput(0, i)), [1, 2, 3, 4, 5, 1])
  t.same(toolAction({ kind: 'place', proto: 'smelter', recipe: 'iron_plate' }, 7, 1), { type: 'place', cell: 7, proto: 'smelter', dir: 1, recipe: 'iron_plate' })
  t.ok(sameTool({ kind: 'place', proto: 'smelter', recipe: 'iron_plate' }, { kind: 'place', proto: 'smelter' }), 'the recipe does not make another button')
  t.same(toolClick({ kind: 'claim' }, 7, 2, undefined, 16), { kind: 'act', action: { type: 'claim', cell: 7 } })
  const ch = cellToChunk(64, 5000).chunk
  t.same(toolClick({ kind: 'watch' }, 5000, 0, undefined, 64), { kind: 'watch', chunk: ch, on: true })
  t.same(toolClick({ kind: 'watch' }, 5000, 0, undefined, 64, new Set([ch])), { kind: 'watch', chunk: ch, on: false })
  t.ok(sameTool({ kind: 'place', proto: 'pole' }, { kind: 'place', proto: 'pole' }))
  t.notOk(sameTool({ kind: 'place', proto: 'pole' }, { kind: 'place', proto: 'solar' }))
  t.notOk(sameTool({ kind: 'claim' }, { kind: 'move' }))
})
