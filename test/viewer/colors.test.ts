// Cell colour layers: terrain, resource tint, structure, owner blend, pending highlight.
import t, { type Test } from 'tap'
import { PENDING_COLOR, RESOURCE_COLORS, STRUCTURE_COLORS, TERRAIN_COLORS, UNKNOWN_STRUCTURE, cellColor, mix, ownerColor } from '../../viewer/src/colors.ts'
import { PROTOTYPES, TERRAIN_NAMES, RES_NAMES } from '../../src/engine/content.ts'

const close = (t: Test, a: number[], b: number[], msg: string) => t.ok(a.every((x, i) => Math.abs(x - b[i]) < 1e-9), `${msg}: ${a} ~ ${b}`)

t.test('every terrain, resource and structure of the content has a colour', async (t) => {
  for (let i = 0; i < TERRAIN_NAMES.length; i++) t.ok(TERRAIN_COLORS[i], `terrain ${TERRAIN_NAMES[i]}`)
  for (let i = 1; i < RES_NAMES.length; i++) t.ok(RESOURCE_COLORS[i], `resource ${RES_NAMES[i]}`)
  for (const p of PROTOTYPES) t.ok(STRUCTURE_COLORS[p.id], `structure ${p.name}`)
})

t.test('layers', async (t) => {
  const grass = cellColor({ id: 1, terrain: 2 }, { pending: false })
  t.same(grass, TERRAIN_COLORS[2])
  const ore = cellColor({ id: 1, terrain: 2, res: 3, amt: 9 }, { pending: false })
  t.notSame(ore, grass, 'a resource tints the ground')
  const built = cellColor({ id: 1, terrain: 2, res: 3, struct: 1 }, { pending: false })
  t.same(built, STRUCTURE_COLORS[1], 'a structure hides the ground')
  t.same(cellColor({ id: 1, struct: 200 }, { pending: false }), UNKNOWN_STRUCTURE)
  const owned = cellColor({ id: 1, terrain: 2, owner: 1 }, { pending: false })
  t.notSame(owned, grass, 'an owner shows')
  t.notSame(cellColor({ id: 1, terrain: 2, owner: 2 }, { pending: false }), owned, 'different owners differ')
  const pend = cellColor({ id: 1, terrain: 2 }, { pending: true })
  close(t, pend, mix(grass, PENDING_COLOR, 0.6), 'pending is highlighted')
  t.same(cellColor({ id: 1 }, { pending: false }), TERRAIN_COLORS[0], 'a missing terrain is void')
  for (const c of [grass, ore, built, owned, pend]) t.ok(c.every((x) => x >= 0 && x <= 1), 'channels in 0..1')
})

t.test('ownerColor', async (t) => {
  t.same(ownerColor(0), [0, 0, 0])
  const seen = new Set<string>()
  for (let i = 1; i <= 16; i++) {
    const c = ownerColor(i)
    t.ok(c.every((x) => x >= 0 && x <= 1))
    seen.add(c.map((x) => x.toFixed(2)).join())
  }
  t.equal(seen.size, 16, '16 players, 16 colours')
  t.throws(() => ownerColor(-1), /player index/)
  t.throws(() => ownerColor(1.5), /player index/)
})
