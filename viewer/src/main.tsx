/**
 * Entry of the bundle (viewer/build.mjs): a ViewerClient named from `?name=`
 * (default "viewer"), connected to this page's daemon, and the React UI.
 *
 * @example
 * // http://127.0.0.1:4000/viewer/?name=alice
 */
import { createRoot } from 'react-dom/client'
import { App } from './App.tsx'
import { ViewerClient } from './client.ts'

const name = new URLSearchParams(location.search).get('name') || 'viewer'
const root = createRoot(document.getElementById('root')!)
try {
  const client = new ViewerClient({ name })
  client.connect()
  root.render(<App client={client} />)
} catch (err) {
  root.render(<div className="panel hud">hexd viewer: {(err as Error).message}</div>)
}
