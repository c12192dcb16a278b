/**
 * Entry of the bundle (viewer/build.mjs): a ViewerClient named from `?name=` (default "viewer"),
 * connected to this page's daemon, and the React UI. The session is kept in `localStorage`
 * across reloads (persist.ts); `?new` starts a new player (and is then dropped from the address,
 * so the next reload keeps that new player).
 *
 * @example
 * // http://127.0.0.1:4000/viewer/?name=alice        (again after a reload: the same player)
 * // http://127.0.0.1:4000/viewer/?name=alice&new    (a new player)
 * // http://127.0.0.1:4000/viewer/?aa=1&render=always  (antialiasing even in software; draw every frame)
 */
import { createRoot } from 'react-dom/client'
import { App } from './App.tsx'
import { ViewerClient } from './client.ts'

const params = new URLSearchParams(location.search)
const name = params.get('name') || 'viewer'
const fresh = params.has('new')
const root = createRoot(document.getElementById('root')!)
try {
  let storage: Storage | null = null
  try { storage = window.localStorage } catch { /* storage disabled: every load is a new player */ }
  const client = new ViewerClient({ name, storage, fresh })
  if (fresh) {
    params.delete('new')
    history.replaceState(null, '', `${location.pathname}${params.size ? `?${params}` : ''}${location.hash}`)
  }
  addEventListener('pagehide', () => client.save())
  client.connect()
  const aa = params.get('aa')
  root.render(<App client={client} options={{ antialias: aa === null ? undefined : aa !== '0', render: params.get('render') === 'always' ? 'always' : 'demand' }} />)
} catch (err) {
  root.render(<div className="panel hud">hexd viewer: {(err as Error).message}</div>)
}
