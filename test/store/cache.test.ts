// The cache + write-behind flusher against a real database (each backend):
// batched flush correctness with coalescing, retry after a real SQL failure
// keeping the batch, write-through on logout, eviction under a memory budget
// (dirty flushed first), and miss → database → generate.
import t from 'tap'
import { eachBackend, freshDb } from './helpers.ts'
import { ChunkStore, type ChunkValue } from '../../src/store/chunk-store.ts'
import { PlayerStore } from '../../src/store/player-store.ts'
import { DirtyCache } from '../../src/store/cache.ts'
import { decodeChunk } from '../../src/store/serializers/index.ts'
import { readHead } from '../../src/store/journal.ts'

const SIZE = 256 // 4×4 chunks per diamond: ids 0..159, poles 160/161
const bytes = (id: number, v: number) => new Uint8Array(2000).fill(v).map((x, i) => (i % 97 === 0 ? id & 255 : x))
const gen = (id: number): ChunkValue => ({ data: bytes(id, 0), tick: 0, hash: 'gen' })

async function stored(db: Awaited<ReturnType<typeof freshDb>>) {
  const rows = await db.query<{ id: number; tick: number; data: Uint8Array; hash: string }>('SELECT id, tick, data, hash FROM chunks ORDER BY id')
  return new Map(rows.map((r) => [r.id, { tick: r.tick, hash: r.hash, data: decodeChunk(r.data).data }]))
}

t.test('in-memory cache: LRU order, pinning, versions', async (t) => {
  const c = new DirtyCache<number, string>({ budgetBytes: 3 })
  c.set(1, 'a', { clean: true }); c.set(2, 'b', { clean: true }); c.set(3, 'c', { clean: true })
  c.get(1) // 1 is now most recent; 2 is least
  c.set(4, 'd', { clean: true })
  t.notOk(c.has(2), 'the least recently used clean entry is evicted')
  t.ok(c.has(1) && c.has(3) && c.has(4))
  t.equal(c.version(4), 1)
  c.set(4, 'e'); t.equal(c.version(4), 2)
  t.notOk(c.markClean(4, 1), 'an older version does not clear a newer write')
  t.ok(c.markClean(4, 2))
})

eachBackend(t, 'batched flush writes the last value of every chunk once', async (t, backend) => {
  const db = await freshDb(t, backend)
  const cs = new ChunkStore(db, { size: SIZE, generate: gen, intervalMs: 60_000 })
  for (let round = 1; round <= 5; round++) for (let id = 0; id < 150; id++) cs.put(id, bytes(id, round), round, `h${id}.${round}`)
  cs.put(160, bytes(160, 9), 5, 'pole') // the north pole chunk
  t.equal(cs.stats().cache.dirty, 151, 'repeated writes coalesce to one dirty entry per chunk')
  await cs.flushAll(3)
  const s = cs.stats()
  t.equal(s.cache.dirty, 0)
  t.equal(s.flusher.rows, 151, 'each chunk written once')
  t.equal(s.flusher.flushes, 1, 'in one batch')
  const rows = await stored(db)
  t.equal(rows.size, 151)
  t.same(rows.get(17), { tick: 5, hash: 'h17.5', data: bytes(17, 5) })
  t.same(rows.get(160)?.data, bytes(160, 9))
  const coords = await db.query<{ diamond: number; ci: number; cj: number }>('SELECT diamond, ci, cj FROM chunks WHERE id = 21')
  t.same(coords[0], { diamond: 1, ci: 1, cj: 1 }, 'coordinates derived from the chunk id')
  // A write during a flush stays dirty and lands in the next one.
  cs.put(3, bytes(3, 42), 6, 'late')
  const inflight = cs.flushAll(3)
  cs.put(3, bytes(3, 43), 7, 'later')
  await inflight
  await cs.flushAll(3)
  t.same((await stored(db)).get(3), { tick: 7, hash: 'later', data: bytes(3, 43) })
})

eachBackend(t, 'a failed flush keeps the batch and a retry writes it', async (t, backend) => {
  const db = await freshDb(t, backend)
  const cs = new ChunkStore(db, { size: SIZE, generate: gen, intervalMs: 60_000, retryMs: 10, retryMaxMs: 20 })
  for (let id = 0; id < 20; id++) cs.put(id, bytes(id, 1), 1, 'a')
  await db.exec('ALTER TABLE chunks RENAME TO chunks_away') // a real SQL failure
  await cs.flusher.kick()
  const s = cs.stats()
  t.equal(s.flusher.failures, 1, 'the flush failed')
  t.equal(s.cache.dirty, 20, 'every entry of the failed batch is still dirty')
  cs.put(5, bytes(5, 2), 2, 'b') // written while the database is failing: coalesced into the retry
  await db.exec('ALTER TABLE chunks_away RENAME TO chunks')
  await cs.flushAll(20)
  const rows = await stored(db)
  t.equal(rows.size, 20, 'all rows arrive after the retry')
  t.same(rows.get(5), { tick: 2, hash: 'b', data: bytes(5, 2) })
  t.equal(cs.stats().cache.dirty, 0)
})

eachBackend(t, 'eviction: LRU under the budget, dirty flushed first, miss → database → generate', async (t, backend) => {
  const db = await freshDb(t, backend)
  const entry = 2000 + 64
  const cs = new ChunkStore(db, { size: SIZE, generate: gen, budgetBytes: entry * 10, intervalMs: 60_000, isPinned: (id) => id === 0 })
  for (let id = 0; id < 30; id++) cs.put(id, bytes(id, 7), 3, 'x')
  t.equal(cs.stats().cache.entries, 30, 'dirty entries are never evicted, even over budget')
  // Over budget with only dirty entries: the cache asks the flusher to flush now
  // (its period here is a minute), then the next write can evict.
  for (let i = 0; i < 200 && cs.stats().flusher.flushes === 0; i++) await new Promise((r) => setTimeout(r, 25))
  t.ok(cs.stats().flusher.flushes >= 1, 'memory pressure triggered a flush without waiting for the period')
  await cs.flushAll(3)
  cs.cache.evict()
  const st = cs.stats().cache
  t.ok(st.bytes <= st.budgetBytes, 'after the flush the cache shrinks to its budget')
  t.ok(cs.get(0), 'a pinned chunk stays')
  t.notOk(cs.cache.has(1), 'the oldest clean chunk was evicted')
  t.ok(cs.cache.has(29), 'the newest stays')
  const back = await cs.load(1)
  t.same(back.data, bytes(1, 7), 'an evicted chunk comes back from the database')
  t.equal(back.tick, 3)
  const fresh = await cs.load(100)
  t.same(fresh, gen(100), 'a chunk never stored is generated')
  t.notOk(cs.cache.isDirty(100), 'a generated chunk is not written back')
  await cs.flushAll(3)
  t.notOk((await stored(db)).has(100), 'generated chunks are not stored until they change')
})

eachBackend(t, 'write-through save on logout is durable when it returns', async (t, backend) => {
  const db = await freshDb(t, backend)
  const ps = new PlayerStore(db, { intervalMs: 60_000 })
  const p = { id: 'p-1', idx: 1, name: 'ann', tokenHash: 'abc', position: 1234, inventory: { ore: 5 }, data: { reach: 3 } }
  ps.put(p)
  t.equal((await db.query('SELECT id FROM players')).length, 0, 'write-behind: not yet in the database')
  await ps.saveNow({ ...p, inventory: { ore: 6, plate: 1 } })
  const rows = await db.query<{ inventory: Record<string, number>; position: number }>('SELECT inventory, position FROM players WHERE id = $1', ['p-1'])
  t.same(rows[0], { inventory: { ore: 6, plate: 1 }, position: 1234 }, 'the save is in the database when saveNow resolves')
  t.equal(ps.stats().cache.dirty, 0, 'and no longer dirty')
  // The database failing: saveNow rejects, the record stays dirty for the flusher.
  await db.exec('ALTER TABLE players RENAME TO players_away')
  await t.rejects(ps.saveNow({ ...p, position: 99 }))
  t.equal(ps.stats().cache.dirty, 1)
  await db.exec('ALTER TABLE players_away RENAME TO players')
  await ps.flushAll(5)
  t.equal((await db.query<{ position: number }>('SELECT position FROM players'))[0].position, 99)
  t.same(await ps.load('p-1'), { ...p, position: 99 })
  t.equal(await ps.load('nobody'), undefined)
  t.equal(await readHead(db), undefined, 'no journal head on a new database')
})
