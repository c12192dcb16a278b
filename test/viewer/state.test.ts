// The viewer's state buffer: snapshot then diffs in seq order, duplicates and gaps,
// optimistic predictions confirmed (kept until the applying tick's diff) or rolled back.
import t from 'tap'
import { WorldBuffer, predictCell, sameCell } from '../../viewer/src/state.ts'

const snap = (seq: number, tick: number, chunks: Array<[number, Array<Record<string, number>>]>) =>
  ({ seq, tick, chunks: chunks.map(([id, cells]) => ({ id, cells: cells as Array<{ id: number }> })) })

t.test('seq gate: in order, duplicates refused, gaps counted, bad seq is an error', async (t) => {
  const b = new WorldBuffer()
  t.equal(b.accept(1), true)
  t.equal(b.accept(2), true)
  t.equal(b.accept(2), false, 'a replayed seq is not applied twice')
  t.equal(b.accept(1), false)
  t.equal(b.gaps, 0)
  t.equal(b.accept(5), true, 'a jump is applied')
  t.equal(b.gaps, 1, '...and counted')
  t.equal(b.lastSeq, 5)
  t.throws(() => b.accept(0), /positive integer/)
  t.throws(() => b.accept(1.5), /positive integer/)
})

t.test('snapshot fills chunks, diff replaces whole cells, unknown chunks are ignored', async (t) => {
  const b = new WorldBuffer()
  const r = b.applySnapshot(snap(1, 10, [[0, [{ id: 0, terrain: 6 }, { id: 5, terrain: 2, owner: 3 }]], [1, [{ id: 1, terrain: 6 }]]]))
  t.same(r.chunksAdded, [0, 1])
  t.same(r.changed.sort(), [0, 1, 5])
  t.equal(b.size, 3)
  t.equal(b.tick, 10)
  // A diff cell is the full state: owner absent means 0.
  const d = b.applyDiff({ seq: 2, tick: 11, chunks: [{ id: 0, cells: [{ id: 5, terrain: 2 }] }, { id: 9, cells: [{ id: 99, terrain: 1 }] }] })
  t.same(d.changed, [5])
  t.same(b.cell(5), { id: 5, terrain: 2 })
  t.equal(b.cell(99), undefined, 'a cell of an unwatched chunk is not taken')
  t.equal(b.tick, 11)
  // A later snapshot of a held chunk replaces its contents (a cell gone from it is dropped).
  const r2 = b.applySnapshot(snap(3, 12, [[1, [{ id: 7, terrain: 4 }]]]))
  t.same(r2.chunksAdded, [], 'no new chunk')
  t.equal(b.cell(1), undefined)
  t.same(b.cell(7), { id: 7, terrain: 4 })
  t.same(b.cellIds(), [0, 5, 7])
  t.same(b.chunkIds(), [0, 1])
  t.equal(b.accept(3), true)
  b.reset()
  t.equal(b.size, 0)
  t.same(b.chunkIds(), [])
  t.equal(b.lastSeq, 3, 'a resync keeps the seq (same session)')
  b.restart()
  t.equal(b.lastSeq, 0, 'a new session starts at seq 1 again')
  t.equal(b.accept(1), true)
})

t.test('predictCell: claim, place, remove, move', async (t) => {
  const c = { id: 3, terrain: 2, struct: 2, dir: 4, item: 3, count: 1, owner: 2 }
  t.same(predictCell({ id: 3, terrain: 2 }, { type: 'claim', cell: 3 }, 2), { id: 3, terrain: 2, owner: 2 })
  t.same(predictCell({ id: 3, terrain: 2 }, { type: 'place', cell: 3, proto: 'smelter', dir: 1 }, 4), { id: 3, terrain: 2, struct: 4, owner: 4, dir: 1 })
  t.same(predictCell({ id: 3, terrain: 2, owner: 7, dir: 2 }, { type: 'place', cell: 3, proto: 'conveyor' }, 4), { id: 3, terrain: 2, struct: 2, owner: 7 }, 'keeps the owner; dir 0 is left out')
  t.same(predictCell(c, { type: 'remove', cell: 3 }, 2), { id: 3, terrain: 2, owner: 2 })
  t.equal(predictCell(c, { type: 'move', cell: 3 }, 2), null)
  t.throws(() => predictCell(c, { type: 'place', cell: 3, proto: 'rocket' }, 2), /unknown structure "rocket"/)
  t.ok(sameCell({ id: 1, owner: 0 }, { id: 1 }), 'absent = 0')
  t.notOk(sameCell({ id: 1, owner: 1 }, { id: 1 }))
  t.notOk(sameCell({ id: 1 }, { id: 2 }))
})

t.test('optimistic: shown at once, rejection rolls back at once', async (t) => {
  const b = new WorldBuffer()
  b.applySnapshot(snap(1, 10, [[0, [{ id: 5, terrain: 2 }]]]))
  t.equal(b.predict(1, { type: 'claim', cell: 5 }, 3), 5)
  t.same(b.view(5), { id: 5, terrain: 2, owner: 3 }, 'the prediction is shown')
  t.same(b.cell(5), { id: 5, terrain: 2 }, 'the confirmed state is untouched')
  t.ok(b.isPending(5))
  t.equal(b.pending, 1)
  t.equal(b.resolve(1, { ok: false, code: 'HEXD_NOT_OWNER', reason: 'no' }), 5)
  t.same(b.view(5), { id: 5, terrain: 2 }, 'rolled back')
  t.notOk(b.isPending(5))
  t.equal(b.resolve(1, { ok: true, tick: 11 }), null, 'an unknown ref changes nothing')
  t.equal(b.predict(2, { type: 'claim', cell: 404 }, 3), null, 'a cell not held is not predicted')
  t.equal(b.predict(3, { type: 'move', cell: 5 }, 3), null)
  t.equal(b.pending, 0)
})

t.test('optimistic: an ok reply before the diff keeps the prediction until the applying tick', async (t) => {
  const b = new WorldBuffer()
  b.applySnapshot(snap(1, 10, [[0, [{ id: 5, terrain: 2 }]]]))
  b.predict(1, { type: 'claim', cell: 5 }, 3)
  t.equal(b.resolve(1, { ok: true, tick: 12 }), null, 'reply first: nothing changes on screen')
  t.ok(b.isPending(5))
  // A diff of tick 11 (other cells) does not settle it.
  t.same(b.applyDiff({ seq: 2, tick: 11, chunks: [{ id: 0, cells: [] }] }).changed, [])
  t.ok(b.isPending(5))
  const d = b.applyDiff({ seq: 3, tick: 12, chunks: [{ id: 0, cells: [{ id: 5, terrain: 2, owner: 3 }] }] })
  t.same(d.changed, [5, 5], 'the diffed cell, and the settled prediction')
  t.notOk(b.isPending(5))
  t.same(b.view(5), { id: 5, terrain: 2, owner: 3 }, 'the server state now shows')
})

t.test('optimistic: an ok reply after the diff settles at once; stacked predictions show the newest', async (t) => {
  const b = new WorldBuffer()
  b.applySnapshot(snap(1, 10, [[0, [{ id: 5, terrain: 2 }]]]))
  b.predict(1, { type: 'claim', cell: 5 }, 3)
  b.predict(2, { type: 'place', cell: 5, proto: 'conveyor', dir: 2 }, 3)
  t.same(b.view(5), { id: 5, terrain: 2, owner: 3, struct: 2, dir: 2 }, 'built on the first prediction')
  b.applyDiff({ seq: 2, tick: 11, chunks: [{ id: 0, cells: [{ id: 5, terrain: 2, owner: 3 }] }] })
  t.equal(b.resolve(1, { ok: true, tick: 11 }), 5, 'the diff of its tick is already in')
  t.same(b.view(5), { id: 5, terrain: 2, owner: 3, struct: 2, dir: 2 }, 'the place is still pending')
  t.equal(b.resolve(2, { ok: true, tick: 99 }), null)
  b.observeTick(50)
  t.ok(b.isPending(5))
  t.same(b.observeTick(99), [5])
  t.equal(b.pending, 0)
  // An ok reply whose effect the confirmed cell already shows is dropped even ahead of the tick.
  b.predict(3, { type: 'claim', cell: 5 }, 3)
  t.equal(b.resolve(3, { ok: true, tick: 500 }), 5)
})
