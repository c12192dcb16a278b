/**
 * The viewer's memory across page reloads: the session, its token, the last outbox seq applied
 * and the confirmed cells of the watched chunks at that seq, kept in `localStorage` under one key
 * per daemon endpoint. A reload resumes the session after that seq (nothing replayed twice,
 * nothing missed) with the cells as they were; without saved cells (the page was not closed
 * cleanly, or they did not fit) it resumes with `after: 0`, and the server replays its retained
 * outbox or resyncs with a fresh snapshot. Saved state is only a hint: the server has the last
 * word (an unknown session or token falls back as after a daemon restart, docs/VIEWER.md).
 *
 * Pure: takes any `Storage`-like object, so tap tests it with an in-memory one.
 *
 * @example
 * const key = storageKey('ws://127.0.0.1:4000/socket')
 * saveSession(localStorage, key, { name: 'alice', session, token, seq: 42, tick: 900, chunks: buf.exportChunks() })
 * loadSession(localStorage, key, 'alice')   // => the same record, or null (none, another name, malformed)
 */
import type { WireCell } from './wire.ts'

/** What is kept (version 1). `chunks` is absent when only the credentials were saved. */
export interface SavedSession {
  name: string
  session: string
  token: string
  /** The last outbox seq whose effect `chunks` includes (0 with no chunks). */
  seq: number
  tick: number
  chunks?: Array<[number, WireCell[]]>
}

/** The subset of the DOM's `Storage` used here. */
export interface KeyValueStore {
  getItem(key: string): string | null
  setItem(key: string, value: string): void
  removeItem(key: string): void
}

/** Saved states larger than this (characters) keep only the credentials. */
export const MAX_SAVED_CHARS = 2_000_000

/**
 * The storage key for a daemon endpoint (`localStorage` is per page origin already; the endpoint
 * keeps two daemons proxied under one origin apart).
 * @example storageKey('/socket') // => 'hexd.viewer:/socket'
 */
export function storageKey(endpoint: string): string {
  if (typeof endpoint !== 'string' || endpoint === '') throw new Error(`endpoint must be a non-empty string, got ${JSON.stringify(endpoint)}`)
  return `hexd.viewer:${endpoint}`
}

const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0

/** True when `v` has the shape of a {@link SavedSession}. @example isSavedSession({ name: 'a', session: '0'.repeat(32), token: 't', seq: 0, tick: 0 }) // => true */
export function isSavedSession(v: unknown): v is SavedSession {
  if (!v || typeof v !== 'object') return false
  const s = v as Record<string, unknown>
  if (typeof s.name !== 'string' || !/^[0-9a-f]{32}$/.test(String(s.session)) || typeof s.token !== 'string' || s.token === '') return false
  if (!isCount(s.seq) || !isCount(s.tick)) return false
  if (s.chunks === undefined) return true
  return Array.isArray(s.chunks) && s.chunks.every((c) => Array.isArray(c) && c.length === 2 && isCount(c[0]) && Array.isArray(c[1]) && c[1].every((x) => x && typeof x === 'object' && isCount((x as WireCell).id)))
}

/**
 * The saved session for player `name`, or null when there is none, it belongs to another name, or
 * it is malformed (then it is removed, so a broken record cannot block every later load).
 * @example loadSession(localStorage, storageKey('/socket'), 'alice') // => SavedSession | null
 */
export function loadSession(store: KeyValueStore, key: string, name: string): SavedSession | null {
  const raw = store.getItem(key)
  if (raw === null) return null
  let v: unknown
  try { v = JSON.parse(raw) } catch { v = null }
  if (!isSavedSession(v)) { store.removeItem(key); return null }
  return v.name === name ? v : null
}

/**
 * Saves `s`. When it is too large for {@link MAX_SAVED_CHARS} or the storage refuses it (quota),
 * saves the credentials alone (seq 0, no chunks). Returns what was kept: 'all', 'credentials' or
 * 'nothing' (the storage refused even that, e.g. a private window).
 * @example saveSession(localStorage, key, { name: 'alice', session, token, seq: 0, tick: 0 }) // => 'credentials'
 */
export function saveSession(store: KeyValueStore, key: string, s: SavedSession): 'all' | 'credentials' | 'nothing' {
  if (!isSavedSession(s)) throw new Error(`not a saved session: ${JSON.stringify(s)?.slice(0, 200)}`)
  const creds = JSON.stringify({ name: s.name, session: s.session, token: s.token, seq: 0, tick: 0 })
  if (s.chunks) {
    const all = JSON.stringify(s)
    if (all.length <= MAX_SAVED_CHARS) {
      try { store.setItem(key, all); return 'all' } catch { /* quota: keep the credentials below */ }
    }
  }
  try { store.setItem(key, creds); return 'credentials' } catch { return 'nothing' }
}

/** Forgets the saved session (the next load starts a new player). @example forgetSession(localStorage, storageKey('/socket')) */
export function forgetSession(store: KeyValueStore, key: string): void {
  store.removeItem(key)
}
