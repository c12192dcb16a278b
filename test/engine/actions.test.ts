import t from 'tap'
import { World } from '../../src/engine/world.ts'
import { neighbors, isPentagon } from '../../src/engine/geometry.ts'
import { within, MOVE_RANGE } from '../../src/engine/actions.ts'
import { TERRAIN, RES, ITEM, prototypeByName } from '../../src/engine/content.ts'
import { isolate, set, lat, disk } from './helpers.ts'

const n = 16
const home = lat(n, 2, 8, 8)
const P = (name: string) => prototypeByName(name)!.id

/** Two worlds in lockstep: `w` gets the actions, `ref` gets only the valid prefix. */
function pair(): { w: World; ref: World } {
  const mk = () => {
    const w = new World({ seed: 4, size: n, allActive: true })
    isolate(w, home, 6)
    set(w, neighbors(n, home)[0], { terrain: TERRAIN.ROCK, res: RES.IRON, amt: 50 })
    w.step([{ type: 'join', player: 'alice', cell: home }, { type: 'join', player: 'bob', cell: home }])
    return w
  }
  return { w: mk(), ref: mk() }
}

t.test('invalid actions are rejected with a code and a reason, and change nothing (hash unchanged)', async (t) => {
  const { w, ref } = pair()
  t.equal(w.hash(), ref.hash())
  // A buildable cell more than MOVE_RANGE steps away.
  let far = -1
  for (let c = 2 + 10 * n * n - 1; c > 2 && far < 0; c--) {
    if ([TERRAIN.GRASS, TERRAIN.FOREST, TERRAIN.DESERT, TERRAIN.ROCK].includes(w.cell(c).terrain as never) && !within(n, home, c, MOVE_RANGE) && !isPentagon(n, c)) far = c
  }
  t.ok(far > 0)
  const water = disk(n, home, 7).find((c) => w.cell(c).terrain === TERRAIN.WATER)!
  // bob owns a cell next to home.
  const bobs = neighbors(n, home)[2]
  for (const x of [w, ref]) t.ok(x.step([{ type: 'claim', player: 'bob', cell: bobs }]).results[0].ok)
  const bad: Array<[unknown, string]> = [
    ['not an object', 'HEXD_BAD_ACTION'],
    [{ type: 'explode', player: 'alice' }, 'HEXD_BAD_ACTION'],
    [{ type: 'place', player: 'carol', cell: home, proto: 'pole' }, 'HEXD_UNKNOWN_PLAYER'],
    [{ type: 'place', player: 'alice', cell: -3, proto: 'pole' }, 'HEXD_BAD_CELL'],
    [{ type: 'place', player: 'alice', cell: 10 * n * n + 2, proto: 'pole' }, 'HEXD_BAD_CELL'],
    [{ type: 'place', player: 'alice', cell: home, proto: 'castle' }, 'HEXD_BAD_ACTION'],
    [{ type: 'place', player: 'alice', cell: home, proto: 'conveyor', dir: 6 }, 'HEXD_BAD_ACTION'],
    [{ type: 'place', player: 'alice', cell: home, proto: 'smelter', recipe: 'gear' }, 'HEXD_BAD_ACTION'],
    [{ type: 'place', player: 'alice', cell: home, proto: 'extractor' }, 'HEXD_UNBUILDABLE'],
    [{ type: 'place', player: 'alice', cell: home, proto: 'pole', recipe: 'gear' }, 'HEXD_BAD_ACTION'],
    [{ type: 'place', player: 'alice', cell: water, proto: 'pole' }, 'HEXD_UNBUILDABLE'],
    [{ type: 'place', player: 'alice', cell: 0, proto: 'pole' }, 'HEXD_UNBUILDABLE'],
    [{ type: 'place', player: 'alice', cell: far, proto: 'pole' }, 'HEXD_OUT_OF_REACH'],
    [{ type: 'place', player: 'alice', cell: bobs, proto: 'pole' }, 'HEXD_NOT_OWNER'],
    [{ type: 'claim', player: 'alice', cell: bobs }, 'HEXD_NOT_OWNER'],
    [{ type: 'remove', player: 'alice', cell: home }, 'HEXD_NO_STRUCTURE'],
    [{ type: 'rotate', player: 'alice', cell: home, dir: 2 }, 'HEXD_NO_STRUCTURE'],
    [{ type: 'set_recipe', player: 'alice', cell: home, recipe: 'gear' }, 'HEXD_NO_STRUCTURE'],
    [{ type: 'move', player: 'alice', cell: far }, 'HEXD_OUT_OF_REACH'],
    [{ type: 'join', player: 'alice' }, 'HEXD_PLAYER_EXISTS'],
    [{ type: 'join', player: 'dave', name: '' }, 'HEXD_BAD_ACTION'],
  ]
  const r = w.step(bad.map(([a]) => a))
  r.results.forEach((res, k) => {
    t.equal(res.ok, false, `rejected: ${JSON.stringify(bad[k][0])}`)
    if (!res.ok) {
      t.equal(res.code, bad[k][1], res.reason)
      t.ok(res.reason.length > 10, 'a readable reason')
    }
  })
  t.equal(r.hash, ref.step([]).hash, 'same hash as the world that got no actions')
})

t.test('valid actions: place, rotate, set_recipe, remove (items return), claim + territory, leave/rejoin', async (t) => {
  const { w } = pair()
  const nb = neighbors(n, home)
  let r = w.step([
    { type: 'place', player: 'alice', cell: nb[0], proto: 'extractor', dir: 3 },
    { type: 'place', player: 'alice', cell: home, proto: 'smelter', dir: 1, recipe: 'iron_plate' },
    { type: 'place', player: 'alice', cell: nb[3], proto: 'solar' },
    { type: 'place', player: 'alice', cell: nb[1], proto: 'storage', recipe: 'iron_plate' },
  ])
  t.same(r.results.map((x) => x.ok), [true, true, true, true], JSON.stringify(r.results))
  t.equal(w.cell(home).struct, P('smelter'))
  t.equal(w.cell(home).owner, w.player('alice')!.index, 'placing claims the cell')
  t.ok(r.changedChunks.includes(2), 'the chunk is reported changed')
  const diff = w.diffs().find((d) => d.chunk === 2)!
  t.ok(diff.cells.some((c) => c.id === home && c.struct === P('smelter')), 'the diff carries the new cell')
  for (let k = 0; k < 40; k++) w.step([])
  t.ok(w.cell(nb[1]).stock > 0, 'plates reach the storage')
  // bob cannot touch alice's smelter.
  r = w.step([{ type: 'remove', player: 'bob', cell: home }])
  t.equal(r.results[0].ok, false)
  r = w.step([{ type: 'rotate', player: 'alice', cell: home, dir: 4 }, { type: 'set_recipe', player: 'alice', cell: home, recipe: 'copper_plate' }])
  t.same(r.results.map((x) => x.ok), [true, true])
  t.same([w.cell(home).dir, w.cell(home).inA, w.cell(home).progress], [4, 0, 0])
  const stock = w.cell(nb[1]).stock
  r = w.step([{ type: 'remove', player: 'alice', cell: nb[1] }])
  t.ok(r.results[0].ok)
  t.equal(w.cell(nb[1]).struct, 0)
  t.ok((w.player('alice')!.inventory.iron_plate ?? 0) >= stock, 'stored plates went to the inventory')
  // Territory: a claimed cell lets alice act next to it even when far away.
  const ring = disk(n, home, 6).filter((c) => !disk(n, home, 5).includes(c))
  const edge = ring.find((c) => w.cell(c).terrain === TERRAIN.GRASS)!
  t.ok(w.step([{ type: 'claim', player: 'alice', cell: edge }]).results[0].ok, 'claim within reach')
  const beyond = neighbors(n, edge).find((c) => w.cell(c).owner === 0 && !disk(n, home, 8).includes(c) && w.cell(c).terrain !== TERRAIN.VOID)
  if (beyond !== undefined) t.ok(w.step([{ type: 'claim', player: 'alice', cell: beyond }]).results[0].ok, 'claim next to territory beyond reach')
  // leave / rejoin keeps the index; structures keep running.
  t.ok(w.step([{ type: 'leave', player: 'alice' }]).results[0].ok)
  t.equal(w.step([{ type: 'claim', player: 'alice', cell: home }]).results[0].ok, false, 'offline players cannot act')
  const made = w.production().iron_plate ?? 0
  for (let k = 0; k < 30; k++) w.step([])
  t.ok((w.production().iron_plate ?? 0) >= made, 'production counters only grow')
  t.ok(w.step([{ type: 'join', player: 'alice' }]).results[0].ok)
  t.equal(w.player('alice')!.index, 1)
  t.equal(w.playerList().length, 2)
})

t.test('actions apply in order: the first of two conflicting places wins', async (t) => {
  const { w } = pair()
  const c = neighbors(n, home)[4]
  const r = w.step([
    { type: 'place', player: 'alice', cell: c, proto: 'pole' },
    { type: 'place', player: 'bob', cell: c, proto: 'solar' },
  ])
  t.equal(r.results[0].ok, true)
  t.equal(r.results[1].ok, false)
  t.equal(w.cell(c).struct, P('pole'))
  t.equal(w.cell(c).owner, 1)
  t.equal(ITEM.gear > 0, true)
})
