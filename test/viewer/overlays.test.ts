// The markers of what cells carry (viewer/src/overlays.ts) as three.js objects, without a
// renderer: the right marker on the right cell, placed from the cell's model matrix, coloured by
// item; only changed slots are marked for upload; a removal keeps the slots packed (the moved
// marker's floats intact); layers grow past their first capacity.
import t from 'tap'
import * as THREE from 'three'
import { ITEM, PROTOTYPES, recipeByName } from '../../src/engine/content.ts'
import { isPentagon } from '../../src/engine/lattice.ts'
import { itemColor, POWER_MISSING } from '../../viewer/src/carried.ts'
import { modelMatrix, placeLocal } from '../../viewer/src/models.ts'
import { CellOverlays } from '../../viewer/src/overlays.ts'

const N = 16
const P = Object.fromEntries(PROTOTYPES.map((p) => [p.name, p.id]))
const mesh = (o: CellOverlays, name: string) => o.group.children.find((m) => m.name === name) as THREE.InstancedMesh
const slotOf = (m: THREE.InstancedMesh, want: Float32Array): number => {
  const a = m.instanceMatrix.array as Float32Array
  for (let s = 0; s < m.count; s++) if (want.every((v, i) => Math.abs(a[s * 16 + i] - v) < 1e-6)) return s
  return -1
}
/** The item ball's matrix on `cell` facing `dir`, computed here from the layer's placement. */
const ball = (cell: number, dir: number) => placeLocal(modelMatrix(N, cell, dir, new Float32Array(16)), 0, 0, 0.42, -0.25, 0.3, 0.3, 0.3)
const cells = Array.from({ length: 60 }, (_, k) => 40 + k * 7).filter((c) => !isPentagon(N, c))

t.test('a belt with an item: a ball (in the item\'s colour) and an input bar; a machine: progress and power', async (t) => {
  const o = new CellOverlays()
  o.reset(N)
  const [a, b] = cells
  o.update(a, { id: a, struct: P.conveyor, dir: 2, item: ITEM.iron_plate, count: 1, recipe: 5 })
  const plate = recipeByName('iron_plate')!
  o.update(b, { id: b, struct: P.smelter, recipe: plate.id, progress: plate.ticks / 2, power: 6 })
  t.same(o.counts(), { items: 1, inputs: 1, progress: 1, power: 1 })
  t.same(o.at(a), { items: ITEM.iron_plate, inputs: 1, progress: 0, power: 0 })
  t.same(o.at(b), { items: 0, inputs: 0, progress: 8, power: 6 })
  const items = mesh(o, 'items')
  t.equal(slotOf(items, ball(a, 2)), 0, 'the ball stands on the belt, placed from its model matrix')
  t.same(Array.from((items.instanceColor!.array as Float32Array).slice(0, 3)).map((v) => +v.toFixed(4)), itemColor(ITEM.iron_plate), 'in the item\'s colour')
  // The input bar faces the input direction (its layer's dir), not the belt's.
  const bar = placeLocal(modelMatrix(N, a, 5, new Float32Array(16)), 0, 0, 0.16, 0.85, 0.8, 0.08, 0.18)
  t.equal(slotOf(mesh(o, 'inputs'), bar), 0, 'the input bar is on the input side')
  o.update(b, { id: b, struct: P.smelter, recipe: plate.id })
  t.same(o.at(b), { items: 0, inputs: 0, progress: 0, power: POWER_MISSING }, 'idle and unpowered: no bar, the missing-power glyph')
})

t.test('only changed markers are marked for upload', async (t) => {
  const o = new CellOverlays()
  o.reset(N)
  const a = cells[0]
  const items = mesh(o, 'items')
  o.update(a, { id: a, struct: P.conveyor, item: ITEM.coal, count: 1, recipe: 3 })
  items.instanceMatrix.clearUpdateRanges(); items.instanceColor!.clearUpdateRanges()
  o.update(a, { id: a, struct: P.conveyor, item: ITEM.coal, count: 1, recipe: 3, owner: 2 })
  t.same(items.instanceMatrix.updateRanges, [], 'same item, same direction: nothing to upload')
  o.update(a, { id: a, struct: P.conveyor, item: ITEM.stone, count: 1, recipe: 3 })
  t.same(items.instanceMatrix.updateRanges, [{ start: 0, count: 16 }], 'another item: its one slot')
  t.same(items.instanceColor!.updateRanges, [{ start: 0, count: 3 }])
})

t.test('removals keep the slots packed; layers grow past their first capacity', async (t) => {
  const o = new CellOverlays()
  o.reset(N)
  for (const c of cells) o.update(c, { id: c, struct: P.conveyor, dir: c % 6, item: 1 + (c % 14), count: 1, recipe: (c + 3) % 6 })
  t.equal(o.counts().items, cells.length, `${cells.length} balls (first capacity 32)`)
  o.update(cells[0], { id: cells[0], struct: P.conveyor, dir: cells[0] % 6, recipe: 1 })
  o.update(cells[5], undefined)
  t.equal(o.counts().items, cells.length - 2)
  t.equal(o.counts().inputs, cells.length - 1, 'an empty belt keeps its input bar; a gone cell does not')
  const items = mesh(o, 'items'), col = items.instanceColor!.array as Float32Array
  for (const c of cells.slice(1)) {
    if (c === cells[5]) continue
    const s = slotOf(items, ball(c, c % 6))
    t.ok(s >= 0 && s < items.count, `cell ${c}: its ball is drawn`)
    t.same(Array.from(col.slice(s * 3, s * 3 + 3)).map((v) => +v.toFixed(4)), itemColor(1 + (c % 14)), `cell ${c}: its colour moved with it`)
  }
  o.reset(N)
  t.same(o.counts(), {}, 'reset forgets every marker')
  o.dispose()
})
