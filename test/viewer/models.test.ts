// Structure models' placement maths and instance bookkeeping (viewer/src/models.ts): a model
// stands on its cell, up along the sphere's normal, its front toward the neighbour in `dir`;
// slots stay packed when structures come and go.
import t from 'tap'
import { neighbors, unitXYZ } from '../../src/engine/geometry.ts'
import { InstanceSlots, MODEL_SCALE, modelMatrix, placeLocal } from '../../viewer/src/models.ts'

const col = (m: Float32Array, k: number, o = 0): number[] => [m[o + 4 * k], m[o + 4 * k + 1], m[o + 4 * k + 2]]
const dot = (a: number[], b: number[]) => a[0] * b[0] + a[1] * b[1] + a[2] * b[2]
const len = (a: number[]) => Math.sqrt(dot(a, a))
const cross = (a: number[], b: number[]) => [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]]

t.test('modelMatrix: on the cell, up = normal, front toward neighbour dir, right-handed, scaled to the cell', async (t) => {
  const n = 16
  for (const id of [2, 77, 1234, 2561]) {
    for (let dir = 0; dir < 6; dir++) {
      const m = modelMatrix(n, id, dir, new Float32Array(20), 4)
      const c = unitXYZ(n, id)
      const [x, y, z, pos] = [col(m, 0, 4), col(m, 1, 4), col(m, 2, 4), col(m, 3, 4)]
      t.ok(pos.every((v, i) => Math.abs(v - c[i]) < 1e-6), 'translation = the cell centre')
      t.ok(Math.abs(dot(y, c) / len(y) - 1) < 1e-5, 'up is the normal')
      t.ok(Math.abs(dot(x, y)) < 1e-9 && Math.abs(dot(y, z)) < 1e-9 && Math.abs(dot(x, z)) < 1e-9, 'orthogonal axes')
      t.ok(Math.abs(len(x) - len(y)) < 1e-7 && Math.abs(len(y) - len(z)) < 1e-7, 'uniform scale')
      t.ok(dot(cross(x, y), z) > 0, 'right-handed (x × y = z)')
      const nb = unitXYZ(n, neighbors(n, id)[dir % neighbors(n, id).length])
      const toNb = [nb[0] - c[0], nb[1] - c[1], nb[2] - c[2]]
      t.ok(dot(z, toNb) / (len(z) * len(toNb)) > 0.99, `front faces neighbour ${dir}`)
      t.ok(Math.abs(len(y) - MODEL_SCALE * len(toNb)) < 1e-6, 'scale: MODEL_SCALE of the spacing')
      if (id === 1234 && dir === 0) t.ok(m[0] === 0 && m[1] === 0 && m[2] === 0 && m[3] === 0, 'nothing written before offset')
    }
  }
  const pent = modelMatrix(16, 0, 5, new Float32Array(16))
  t.ok(pent.every(Number.isFinite), 'a pentagon (5 neighbours) takes dir 5 too')
  t.throws(() => modelMatrix(16, 5, 6, new Float32Array(16)), /dir must be an integer from 0 to 5/)
})

t.test('InstanceSlots: packed slots, swap-remove, the writes to make', async (t) => {
  const s = new InstanceSlots()
  t.same(s.set(10, 4), [{ proto: 4, slot: 0, cell: 10 }])
  t.same(s.set(11, 4), [{ proto: 4, slot: 1, cell: 11 }])
  t.same(s.set(12, 4), [{ proto: 4, slot: 2, cell: 12 }])
  t.same(s.set(20, 2), [{ proto: 2, slot: 0, cell: 20 }])
  t.equal(s.count(4), 3)
  t.same(s.set(11, 4), [{ proto: 4, slot: 1, cell: 11 }], 'same prototype: its own slot (a rotate)')
  // Removing slot 0 moves the last (cell 12) into it.
  t.same(s.set(10, 0), [{ proto: 4, slot: 0, cell: 12 }])
  t.equal(s.count(4), 2)
  t.equal(s.cellAt(4, 0), 12)
  t.equal(s.protoAt(10), 0)
  t.same(s.set(12, 0), [{ proto: 4, slot: 0, cell: 11 }], 'cell 11 moves down')
  t.same(s.set(11, 0), [], 'the last one: nothing to move')
  t.equal(s.count(4), 0)
  // A prototype change: out of one list, into another.
  t.same(s.set(20, 4), [{ proto: 4, slot: 0, cell: 20 }])
  t.equal(s.count(2), 0)
  t.equal(s.protoAt(20), 4)
  t.same(s.set(99, 0), [], 'nothing there, nothing to do')
  t.throws(() => s.set(1, -1), /proto must be a prototype id/)
  s.clear()
  t.equal(s.count(4), 0)
  t.equal(s.protoAt(20), 0)
})

t.test('placeLocal: moves along the model axes and scales them', async (t) => {
  const m = modelMatrix(16, 77, 2, new Float32Array(16))
  const base = Float32Array.from(m)
  placeLocal(m, 0, 0.5, 1, -2, 0.25, 2, 3)
  for (let i = 0; i < 3; i++) {
    t.ok(Math.abs(m[12 + i] - (base[12 + i] + 0.5 * base[i] + base[4 + i] - 2 * base[8 + i])) < 1e-6, `translation ${i}`)
    t.ok(Math.abs(m[i] - base[i] * 0.25) < 1e-7 && Math.abs(m[4 + i] - base[4 + i] * 2) < 1e-7 && Math.abs(m[8 + i] - base[8 + i] * 3) < 1e-7, `axis ${i} scaled`)
  }
  t.equal(m[15], 1)
})
