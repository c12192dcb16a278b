// The TUI map layout walked over the real sphere geometry: centre placement,
// neighbours drawn next to each other, pentagons and diamond seams, walking.
import t from 'tap'
import { sphereGeo } from '../../src/tui/geo.ts'
import { buildLocalView, screenStep, type LocalView } from '../../src/tui/layout.ts'
import { applyCommand, initialUi } from '../../src/tui/controller.ts'
import { GameModel } from '../../src/tui/model.ts'
import type { Geo } from '../../src/tui/types.ts'

/** Counts sphere-neighbour pairs that are / are not screen neighbours. */
function adjacency(geo: Geo, v: LocalView) {
  let near = 0, far = 0
  for (let r = 0; r < v.rows; r++) for (let c = 0; c < v.cols; c++) {
    const id = v.at(r, c)
    if (id < 0) continue
    for (const nb of geo.neighbors(id)) {
      const w = v.where(nb)
      if (!w) continue
      const isScreenNb = [0, 1, 2, 3, 4, 5].some((d) => { const [rr, cc] = screenStep(r, c, d); return rr === w[0] && cc === w[1] })
      if (isScreenNb) near++; else far++
    }
  }
  return { near, far }
}

const n = 64
const geo = sphereGeo(n)
const cell = (d: number, i: number, j: number) => 2 + d * n * n + i * n + j

t.test('an ordinary cell: full grid, every sphere neighbour drawn next to it, no duplicates', async (t) => {
  const c = cell(3, 20, 30)
  const v = buildLocalView(geo, c, 11, 21)
  t.equal(v.at(v.centreRow, v.centreCol), c, 'centre in the middle')
  t.equal(v.placed, 11 * 21, 'every slot filled')
  const ids = new Set<number>()
  for (let r = 0; r < v.rows; r++) for (let col = 0; col < v.cols; col++) ids.add(v.at(r, col))
  t.equal(ids.size, 11 * 21, 'each cell shown once')
  const adj = adjacency(geo, v)
  t.equal(adj.far, 0, 'no torn neighbour pairs away from seams/pentagons')
  // the centre's 6 neighbours are exactly its 6 screen neighbours
  const around = [0, 1, 2, 3, 4, 5].map((d) => { const [r, col] = screenStep(v.centreRow, v.centreCol, d); return v.at(r, col) }).sort((a, b) => a - b)
  t.same(around, [...geo.neighbors(c)].sort((a, b) => a - b))
})

t.test('across a diamond seam (no pentagon near): still a seamless grid', async (t) => {
  // i = 0 row of north diamond 2 borders north diamond 1; j = n-1 borders south diamond 2.
  for (const c of [cell(2, 0, 30), cell(2, 30, n - 1), cell(7, 30, 0), cell(7, n - 1, 30)]) {
    const v = buildLocalView(geo, c, 11, 21)
    t.equal(v.placed, 231, `cell ${c}: filled`)
    t.equal(adjacency(geo, v).far, 0, `cell ${c}: no torn pairs across the seam`)
  }
})

t.test('a pentagon: its 5 neighbours around it, the missing wedge closed by a seam', async (t) => {
  for (const p of [0, 1, cell(0, n - 1, 0), cell(6, n - 1, 0)]) {
    t.ok(geo.isPentagon(p))
    const v = buildLocalView(geo, p, 11, 21)
    t.equal(v.at(v.centreRow, v.centreCol), p)
    const around = new Set([0, 1, 2, 3, 4, 5].map((d) => { const [r, col] = screenStep(v.centreRow, v.centreCol, d); return v.at(r, col) }))
    for (const nb of geo.neighbors(p)) t.ok(around.has(nb), `pentagon ${p}: neighbour ${nb} drawn beside it`)
    const adj = adjacency(geo, v)
    t.ok(adj.near > adj.far * 4, `pentagon ${p}: most neighbour pairs adjacent (${adj.near} vs ${adj.far} along the seam)`)
  }
})

t.test('a tiny world stops at the horizon instead of wrapping round', async (t) => {
  const g = sphereGeo(4)
  const v = buildLocalView(g, 10, 21, 41)
  t.ok(v.placed < 10 * 16 + 2, 'fewer cells than the sphere has')
  const ids = new Set<number>()
  for (let r = 0; r < v.rows; r++) for (let col = 0; col < v.cols; col++) if (v.at(r, col) >= 0) ids.add(v.at(r, col))
  t.equal(ids.size, v.placed, 'no cell twice')
})

t.test('walking keeps going across seams and over pentagons, one sphere step at a time', async (t) => {
  const model = new GameModel({ size: n, maxFps: 0 })
  for (const [start, dir] of [[cell(0, n - 3, 2), 'walk-e'], [cell(0, 5, 5), 'walk-n'], [cell(5, 30, 30), 'walk-s'], [cell(4, n - 2, 1), 'walk-w']] as const) {
    let ui = initialUi(start)
    const visited = new Set<number>([start])
    for (let step = 0; step < 3 * n; step++) {
      const view = buildLocalView(geo, ui.centre, 11, 21, ui.heading)
      const out = applyCommand(ui, dir, { view, model, geo })
      t.equal(out.action?.type, 'move', 'a walk sends a move action')
      const next = out.state.centre
      if (!geo.neighbors(ui.centre).includes(next)) { t.fail(`step ${step} from ${ui.centre} to ${next} is not a sphere step`); break }
      visited.add(next)
      ui = out.state
    }
    t.ok(visited.size > 2 * n, `${dir} from ${start}: walked ${visited.size} distinct cells`)
  }
})

t.test('walking away from every kind of pentagon and over the poles never sticks', async (t) => {
  const model = new GameModel({ size: n, maxFps: 0 })
  for (const start of [0, 1, cell(0, n - 1, 0), cell(9, n - 1, 0)]) {
    for (const dir of ['walk-n', 'walk-e', 'walk-s', 'walk-w'] as const) {
      let ui = initialUi(start)
      const visited = new Set<number>([start])
      let ok = true
      for (let step = 0; step < n; step++) {
        const view = buildLocalView(geo, ui.centre, 9, 17, ui.heading)
        const out = applyCommand(ui, dir, { view, model, geo })
        if (!geo.neighbors(ui.centre).includes(out.state.centre)) { ok = false; break }
        visited.add(out.state.centre)
        ui = out.state
      }
      t.ok(ok && visited.size > n * 0.9, `${dir} from pentagon ${start}: ${visited.size} distinct cells in ${n} steps`)
    }
  }
})
