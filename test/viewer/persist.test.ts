// The viewer's memory across reloads (viewer/src/persist.ts): a saved session comes back for the
// same name only, a malformed record is removed, an oversize or refused save keeps the credentials.
import t from 'tap'
import { MAX_SAVED_CHARS, forgetSession, isSavedSession, loadSession, saveSession, storageKey, type KeyValueStore } from '../../viewer/src/persist.ts'

/** A Storage with the DOM's semantics, an optional quota (characters) and an optional refusal. */
class MemoryStore implements KeyValueStore {
  readonly map = new Map<string, string>()
  constructor(private readonly quota = Infinity, private readonly refuse = false) {}
  getItem(k: string): string | null { return this.map.get(k) ?? null }
  setItem(k: string, v: string): void {
    if (this.refuse || v.length > this.quota) throw new Error('QuotaExceededError')
    this.map.set(k, v)
  }
  removeItem(k: string): void { this.map.delete(k) }
}

const SESSION = '0123456789abcdef0123456789abcdef'
const saved = { name: 'alice', session: SESSION, token: 'tok_abc', seq: 42, tick: 900, chunks: [[3, [{ id: 7, terrain: 2 }, { id: 8, terrain: 1, owner: 2 }]]] as Array<[number, Array<{ id: number; terrain?: number; owner?: number }>]> }

t.test('storageKey names the endpoint; a bad endpoint is an error', async (t) => {
  t.equal(storageKey('/socket'), 'hexd.viewer:/socket')
  t.not(storageKey('ws://a:1/socket'), storageKey('ws://b:1/socket'))
  t.throws(() => storageKey(''), /endpoint must be a non-empty string/)
})

t.test('save then load: the same record for the same name, null for another', async (t) => {
  const s = new MemoryStore()
  const key = storageKey('/socket')
  t.equal(loadSession(s, key, 'alice'), null, 'nothing saved yet')
  t.equal(saveSession(s, key, saved), 'all')
  t.same(loadSession(s, key, 'alice'), saved)
  t.equal(loadSession(s, key, 'bob'), null, 'another name starts a new player')
  t.ok(s.getItem(key), '...without deleting alice\'s record')
  forgetSession(s, key)
  t.equal(loadSession(s, key, 'alice'), null, 'forgotten')
})

t.test('a malformed record is removed, not fatal', async (t) => {
  const s = new MemoryStore()
  const key = storageKey('/socket')
  for (const bad of ['{not json', '[]', JSON.stringify({ ...saved, session: 'XYZ' }), JSON.stringify({ ...saved, seq: -1 }), JSON.stringify({ ...saved, chunks: [[1, [{ terrain: 2 }]]] }), JSON.stringify({ ...saved, token: '' })]) {
    s.setItem(key, bad)
    t.equal(loadSession(s, key, 'alice'), null, `refused: ${bad.slice(0, 40)}`)
    t.equal(s.getItem(key), null, 'and removed')
  }
  t.ok(isSavedSession({ name: 'a', session: SESSION, token: 't', seq: 0, tick: 0 }), 'credentials alone are a valid record')
  t.throws(() => saveSession(s, key, { ...saved, seq: 1.5 }), /not a saved session/)
})

t.test('too large or refused: the credentials alone, then nothing', async (t) => {
  const key = storageKey('/socket')
  const big = { ...saved, chunks: [[1, Array.from({ length: MAX_SAVED_CHARS / 10 }, (_, i) => ({ id: i, terrain: 2 }))]] as Array<[number, Array<{ id: number; terrain?: number; owner?: number }>]> }
  const s = new MemoryStore()
  t.equal(saveSession(s, key, big), 'credentials', 'over MAX_SAVED_CHARS')
  t.same(loadSession(s, key, 'alice'), { name: 'alice', session: SESSION, token: 'tok_abc', seq: 0, tick: 0 }, 'seq 0: a reload resumes with after 0')
  const small = new MemoryStore(200)
  t.equal(saveSession(small, key, saved), 'all', 'fits the quota')
  t.equal(saveSession(new MemoryStore(120), key, { ...saved, chunks: [[1, Array.from({ length: 20 }, (_, i) => ({ id: i }))]] }), 'credentials', 'over the quota')
  t.equal(saveSession(new MemoryStore(Infinity, true), key, saved), 'nothing', 'storage refuses everything')
  const noCells = new MemoryStore()
  t.equal(saveSession(noCells, key, { name: 'alice', session: SESSION, token: 't', seq: 9, tick: 1 }), 'credentials', 'no chunks: credentials, seq 0')
  t.equal(loadSession(noCells, key, 'alice')?.seq, 0)
})
