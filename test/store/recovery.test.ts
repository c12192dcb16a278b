// Recovery on each backend with the real engine: after a crash (no final
// snapshot, no flush) the world is rebuilt from the latest snapshot + the
// journal and has exactly the hash committed last; it then goes on exactly
// like a world that never stopped. Also: a clean close snapshots at the head,
// snapshots are stored in the store's format v1, write-behind reaches the
// chunks and players tables, and a leave saves the player write-through.
import t from 'tap'
import { World } from '../../src/engine/index.ts'
import { eachBackend, freshTarget } from './helpers.ts'
import { Persistence } from '../../src/store/persistence.ts'
import { latestSnapshot } from '../../src/store/recovery.ts'
import { readHead } from '../../src/store/journal.ts'
import { decodeChunk, CURRENT_CHUNK_FORMAT } from '../../src/store/serializers/index.ts'
import { SEED, SIZE, drive } from './world-script.ts'

const target = freshTarget

/** A crash: the flushers stop and the connection goes, with no snapshot, flush or drain. */
async function crash(p: Persistence): Promise<void> {
  p.chunks.stop(); p.players.stop()
  await p.db.close()
}

eachBackend(t, 'crash → snapshot + replay gives the committed hash, then the same future', async (t, backend) => {
  const where = await target(t, backend)
  const reference = new World({ seed: SEED, size: SIZE })
  const expected = await drive(reference, null, 40)

  const p1 = await Persistence.open({ ...where, seed: SEED, size: SIZE, snapshotEvery: 12, flushMs: 50 })
  t.equal(p1.world.tick, 0, 'a new database starts a fresh world')
  t.same(p1.recovery.snapshotTick, null)
  const got = await drive(p1.world, p1, 30)
  t.same(got, expected.slice(0, 30), 'persistence does not change the simulation')
  await p1.idle() // snapshots are coded between ticks; wait for them before looking
  t.same(await readHead(p1.db), { tick: 30, hash: expected[29] }, 'journal head = last committed tick and hash')
  const snap = await latestSnapshot(p1.db)
  t.equal(snap?.tick, 24, 'snapshots every 12 ticks (12, 24)')
  t.equal(snap?.format, 1, 'stored in snapshot format v1')
  await crash(p1)

  await t.rejects(Persistence.open({ ...where, seed: SEED, size: 16 }), { code: 'HEXD_BAD_OPTION', field: 'size', message: /does not match the world stored .*seed 7, size 64/ }, 'another --size is refused, naming the stored world')
  const p2 = await Persistence.open({ ...where, seed: SEED, size: SIZE, snapshotEvery: 12, flushMs: 50 })
  t.equal(p2.world.tick, 30, 'recovered at the head tick')
  t.equal(p2.world.hash(), expected[29], 'recovered hash = the hash committed at tick 30')
  t.match(p2.recovery, { snapshotTick: 24, headTick: 30, replayedTicks: 6 })
  const more = await drive(p2.world, p2, 10)
  t.same(more, expected.slice(30, 40), 'the recovered world continues exactly like one that never stopped')
  await p2.close()

  const p3 = await Persistence.open({ ...where, seed: SEED, size: SIZE })
  t.match(p3.recovery, { snapshotTick: 40, headTick: 40, replayedTicks: 0 }, 'a clean close snapshots at the head')
  t.equal(p3.world.hash(), expected[39])
  await p3.close()
})

eachBackend(t, 'write-behind chunks/players and write-through on leave', async (t, backend) => {
  const where = await target(t, backend)
  const p = await Persistence.open({ ...where, seed: SEED, size: SIZE, snapshotEvery: 1000, flushMs: 60_000 })
  await drive(p.world, p, 9) // bob joined at tick 3, no leave yet
  t.equal((await p.db.query('SELECT id FROM players')).length, 0, 'players are written behind, not yet')
  await drive(p.world, p, 1) // tick 10: bob leaves → write-through
  const bob = await p.db.query<{ name: string; position: number; data: { online: boolean } }>('SELECT name, position, data FROM players WHERE id = $1', ['bob'])
  t.same(bob[0], { name: 'Bob', position: p.world.player('bob')!.cell, data: { online: false } }, 'the leave was acknowledged only after bob was saved')
  await p.chunks.flushAll(3)
  await p.players.flushAll(3)
  const rows = await p.db.query<{ id: number; tick: number; format: number; data: Uint8Array; hash: string }>('SELECT id, tick, format, data, hash FROM chunks ORDER BY id')
  t.ok(rows.length > 0, 'changed chunks reached the chunks table')
  const r0 = rows[0]
  t.equal(r0.format, CURRENT_CHUNK_FORMAT, 'written in the current chunk format')
  t.same(decodeChunk(r0.data).data, p.world.chunkBytes(r0.id), 'stored chunk bytes = the world\'s chunk at flush time')
  t.equal(r0.hash, p.world.chunkHash(r0.id))
  t.ok((await p.db.query('SELECT id FROM players WHERE id = $1', ['builder'])).length === 1, 'other players arrive write-behind')
  const protos = await p.db.query<{ name: string; data: { kind: number } }>('SELECT name, data FROM prototypes ORDER BY name')
  t.ok(protos.some((r) => r.name === 'assembler'), 'the prototypes the world was made with are recorded')
  t.ok((await p.db.query('SELECT name FROM recipes WHERE name = $1', ['gear'])).length === 1, 'and the recipes')
  await p.close()
})
