import t from 'tap'
import { neighbors } from '../../src/engine/geometry.ts'
import { TERRAIN, RES, ITEM, RULE, prototypeByName, recipeByName } from '../../src/engine/content.ts'
import { isolate, set, smallWorld, run, lat, disk } from './helpers.ts'

const P = (name: string) => prototypeByName(name)!.id
const n = 16
const center = lat(n, 0, 8, 8)

t.test('isolation: a lone biomass cell withers by 1 per tick and dies; no birth next to one neighbour', async (t) => {
  const w = smallWorld()
  isolate(w, center, 3)
  set(w, center, { res: RES.BIOMASS, amt: 3 })
  w.step([])
  t.equal(w.cell(center).amt, 2)
  run(w, 2)
  t.equal(w.cell(center).res, RES.NONE, 'dead after 3 ticks')
  for (const x of disk(n, center, 3)) t.equal(w.cell(x).res, RES.NONE, `cell ${x} stays empty`)
})

t.test('survival + growth: two neighbours grow by 1 per tick (equal amounts: no diffusion)', async (t) => {
  const w = smallWorld()
  isolate(w, center, 3)
  const other = neighbors(n, center)[0]
  set(w, center, { res: RES.BIOMASS, amt: 10 })
  set(w, other, { res: RES.BIOMASS, amt: 10 })
  w.step([])
  t.equal(w.cell(center).amt, 11)
  t.equal(w.cell(other).amt, 11)
})

t.test('diffusion: a cell is pulled up toward its neighbours\' amounts, never down (grass cap 60)', async (t) => {
  const w = smallWorld()
  isolate(w, center, 3)
  const other = neighbors(n, center)[1]
  set(w, center, { res: RES.BIOMASS, amt: 60 })
  set(w, other, { res: RES.BIOMASS, amt: 4 })
  w.step([])
  t.equal(w.cell(center).amt, 60, 'full cell: no growth, no loss')
  t.equal(w.cell(other).amt, 4 + 1 + Math.floor((60 - 4) / 8), 'small cell: grows and gains (60-4)/8')
  w.step([])
  t.equal(w.cell(other).amt, 12 + 1 + Math.floor((60 - 12) / 8))
})

t.test('a region settles: amounts converge, every chunk falls asleep', async (t) => {
  const w = smallWorld(3, 16)
  let k = 0
  for (; k < 2000; k++) if (w.step([]).cellsUpdated === 0) break
  t.ok(k < 2000, `the whole world sleeps after ${k} ticks`)
  const h = w.hash()
  w.step([])
  t.not(w.hash(), h, 'the tick still advances (the hash covers it)')
  t.equal(w.step([]).changedChunks.length, 0, 'nothing changes while asleep')
  // Winter wakes it: grass biomass halves, regrows, and the world settles again.
  const grass = w.chunkCells(0).concat(w.chunkCells(5)).filter((c) => c.terrain === TERRAIN.GRASS && c.res === RES.BIOMASS && c.amt >= 2)
  while ((w.tick + 1) % RULE.SEASON_TICKS !== 0) w.step([])
  const r = w.step([])
  t.ok(r.cellsUpdated > 0, 'a winter tick updates the sleeping world')
  if (grass.length > 0) t.equal(w.cell(grass[0].id).amt, grass[0].amt >> 1, 'grass biomass halved')
  let k2 = 0
  for (; k2 < 1000; k2++) if (w.step([]).cellsUpdated === 0) break
  t.ok(k2 < 1000, `settled again ${k2} ticks after winter`)
})

t.test('birth: an empty fertile cell with 2 biomass neighbours comes alive; infertile desert does not', async (t) => {
  const w = smallWorld()
  isolate(w, center, 3)
  const nb = neighbors(n, center)
  set(w, nb[0], { res: RES.BIOMASS, amt: 30 })
  set(w, nb[1], { res: RES.BIOMASS, amt: 30 })
  let born = -1
  for (let k = 1; k <= 200 && born < 0; k++) { w.step([]); if (w.cell(center).res === RES.BIOMASS) born = k }
  t.ok(born > 0, `born after ${born} ticks`)

  const d = smallWorld()
  isolate(d, center, 3, TERRAIN.DESERT)
  set(d, nb[0], { res: RES.BIOMASS, amt: 30 })
  set(d, nb[1], { res: RES.BIOMASS, amt: 30 })
  run(d, 50)
  t.equal(d.cell(center).res, RES.NONE, 'no birth on desert')
  t.equal(d.cell(nb[0]).res, RES.NONE, 'biomass withers on infertile ground')
})

t.test('transformation: saturated forest biomass surrounded by biomass compresses to coal', async (t) => {
  const w = smallWorld()
  isolate(w, center, 5, TERRAIN.FOREST)
  for (const x of disk(n, center, 5)) set(w, x, { res: RES.BIOMASS, amt: RULE.CAP_FOREST })
  let coal = 0
  for (let k = 0; k < 600 && coal === 0; k++) {
    w.step([])
    coal = disk(n, center, 5).filter((x) => w.cell(x).res === RES.COAL).length
  }
  t.ok(coal > 0, 'some cell became coal')
  const c = disk(n, center, 5).map((x) => w.cell(x)).find((x) => x.res === RES.COAL)!
  t.equal(c.amt, RULE.COAL_FROM_BIOMASS)
})

t.test('conveyors move an item one cell per tick into a storage', async (t) => {
  const w = smallWorld()
  isolate(w, center, 4)
  const c0 = center, c1 = neighbors(n, c0)[1], c2 = neighbors(n, c1)[1], st = neighbors(n, c2)[1]
  for (const c of [c0, c1, c2]) set(w, c, { struct: P('conveyor'), dir: 1, recipe: 4 })
  set(w, st, { struct: P('storage'), recipe: ITEM.gear })
  set(w, c0, { item: ITEM.gear, count: 1 })
  w.step([])
  t.same([w.cell(c0).count, w.cell(c1).count, w.cell(c2).count], [0, 1, 0])
  t.equal(w.cell(c1).item, ITEM.gear)
  w.step([])
  t.same([w.cell(c1).count, w.cell(c2).count], [0, 1])
  w.step([])
  t.equal(w.cell(c2).count, 0)
  t.equal(w.cell(st).stock, 1, 'stored')
})

t.test('a storage refuses items that do not match its filter; the conveyor holds them', async (t) => {
  const w = smallWorld()
  isolate(w, center, 3)
  const st = neighbors(n, center)[1]
  set(w, center, { struct: P('conveyor'), dir: 1, recipe: 4, item: ITEM.coal, count: 1 })
  set(w, st, { struct: P('storage'), recipe: ITEM.gear })
  run(w, 5)
  t.equal(w.cell(center).count, 1)
  t.equal(w.cell(st).stock, 0)
})

t.test('items cross a diamond seam (and a chunk border) along conveyors without loss or duplication', async (t) => {
  const w = smallWorld()
  // Diamond 0's row a=1 borders north diamond 1 across the seam (direction 3).
  const c0 = lat(n, 0, 2, 5)
  isolate(w, c0, 4)
  const c1 = neighbors(n, c0)[3]
  const back = neighbors(n, c1).indexOf(c0)
  const ahead = (back + 3) % 6
  const c2 = neighbors(n, c1)[ahead]
  const st = neighbors(n, c2)[(neighbors(n, c2).indexOf(c1) + 3) % 6]
  t.not(Math.floor((c2 - 2) / (n * n)), 0, 'the path leaves diamond 0')
  set(w, c0, { struct: P('conveyor'), dir: 3, recipe: 0, item: ITEM.gear, count: 1 })
  set(w, c1, { struct: P('conveyor'), dir: ahead, recipe: back })
  set(w, c2, { struct: P('conveyor'), dir: neighbors(n, c2).indexOf(st), recipe: neighbors(n, c2).indexOf(c1) })
  set(w, st, { struct: P('storage'), recipe: ITEM.gear })
  const total = () => [c0, c1, c2].reduce((s, c) => s + w.cell(c).count, 0) + w.cell(st).stock
  for (let k = 0; k < 5; k++) { w.step([]); t.equal(total(), 1, `one item after tick ${k + 1}`) }
  t.equal(w.cell(st).stock, 1, 'arrived in the storage')
})

t.test('a powered smelter runs its recipe; without power it does nothing', async (t) => {
  const w = smallWorld()
  isolate(w, center, 3)
  const nb = neighbors(n, center)
  const rec = recipeByName('iron_plate')!
  set(w, center, { struct: P('smelter'), dir: 1, recipe: rec.id, inA: 1 })
  set(w, nb[3], { struct: P('solar') })
  run(w, rec.ticks + 4)
  const c = w.cell(center)
  t.equal(c.inA, 0, 'ore consumed')
  t.equal(c.count, 1, 'one plate made')
  t.equal(c.item, ITEM.iron_plate)
  t.equal(w.production().iron_plate, 1)

  const u = smallWorld()
  isolate(u, center, 3)
  set(u, center, { struct: P('smelter'), dir: 1, recipe: rec.id, inA: 1 })
  run(u, rec.ticks + 4)
  t.same([u.cell(center).inA, u.cell(center).count, u.cell(center).progress], [1, 0, 0], 'unpowered: idle')
})

t.test('power: a burning generator feeds a pole line with decreasing levels, then fades when fuel runs out', async (t) => {
  const w = smallWorld()
  isolate(w, center, 5)
  const nb = (c: number, d: number) => neighbors(n, c)[d]
  const p1 = nb(center, 1), p2 = nb(p1, 1), p3 = nb(p2, 1)
  set(w, center, { struct: P('generator'), inA: 1 })
  for (const p of [p1, p2, p3]) set(w, p, { struct: P('pole') })
  run(w, 6)
  t.same([w.cell(center).power, w.cell(p1).power, w.cell(p2).power, w.cell(p3).power], [15, 14, 13, 12])
  t.equal(w.cell(center).inA, 0, 'fuel taken')
  run(w, RULE.BURN_TICKS + 20)
  t.same([w.cell(center).power, w.cell(p1).power, w.cell(p2).power, w.cell(p3).power], [0, 0, 0, 0], 'dark after the fuel is burnt')
})

t.test('an extractor mines its cell (depleting it) into its output buffer when powered', async (t) => {
  const w = smallWorld()
  isolate(w, center, 3)
  const nb = neighbors(n, center)
  set(w, center, { terrain: TERRAIN.ROCK, res: RES.IRON, amt: 2, struct: P('extractor'), dir: 1 })
  set(w, nb[3], { struct: P('solar') })
  run(w, 3 + 2 * RULE.EXTRACT_TICKS)
  const c = w.cell(center)
  t.equal(c.count, 2)
  t.equal(c.item, ITEM.iron_ore)
  t.equal(c.res, RES.NONE, 'deposit exhausted')
  t.equal(c.amt, 0)
})
