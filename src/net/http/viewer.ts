/**
 * Serves the built web viewer (viewer/dist, made by `npm run build:viewer`):
 * `GET /viewer` redirects (302) to `/viewer/`, `GET /viewer/` is index.html and
 * `GET /viewer/<file>` its assets, with their content types. Files are read at
 * each request (the bundle is small), so a rebuild shows up without a restart.
 * An unknown file is a 404 HEXD_NOT_FOUND like every other route; a dist without
 * index.html is a 503 HEXD_VIEWER_NOT_BUILT naming the command that builds it.
 *
 * @example
 * registerViewer(app)                      // serves <repo>/viewer/dist
 * registerViewer(app, '/tmp/other-dist')   // a test's own build
 */
import type { FastifyInstance } from 'fastify'
import { readFile } from 'node:fs/promises'
import { extname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { HexdError } from '../../errors.ts'

/** Where `npm run build:viewer` puts the bundle. */
export const VIEWER_DIST = fileURLToPath(new URL('../../../viewer/dist/', import.meta.url))

/** Content types by file extension; other extensions are not served. */
export const VIEWER_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
}

/** A path below /viewer/: segments of letters, digits, `.`, `_`, `-`, none of them `.` or `..`. */
const SAFE = /^(?:(?!\.\.?(?:\/|$))[A-Za-z0-9._-]+\/)*(?!\.\.?$)[A-Za-z0-9._-]+$/

/**
 * The file of `dist` that `/viewer/<rel>` names (index.html for ""), or a HexdError
 * (404) for a name that is not a servable file name.
 * @example viewerFile('/d', '') // => '/d/index.html'
 */
export function viewerFile(dist: string, rel: string): string {
  const name = rel === '' ? 'index.html' : rel
  if (!SAFE.test(name) || !VIEWER_TYPES[extname(name)]) {
    throw new HexdError('HEXD_NOT_FOUND', `no viewer file ${JSON.stringify(rel)}`, { field: 'path' })
  }
  return join(dist, name)
}

export function registerViewer(app: FastifyInstance, dist: string = VIEWER_DIST): void {
  const notBuilt = () => new HexdError('HEXD_VIEWER_NOT_BUILT', `the web viewer is not built (no ${join(dist, 'index.html')}): run \`npm run build:viewer\``, { field: 'path' })
  const send = async (rel: string, reply: import('fastify').FastifyReply) => {
    const file = viewerFile(dist, rel)
    let body: Buffer
    try {
      body = await readFile(file)
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT' && (err as NodeJS.ErrnoException).code !== 'EISDIR') throw err
      // Without index.html nothing is built: say how to build it, whatever was asked for.
      try { await readFile(join(dist, 'index.html')) } catch { throw notBuilt() }
      throw new HexdError('HEXD_NOT_FOUND', `no viewer file ${JSON.stringify(rel)}`, { field: 'path' })
    }
    // Built file names do not change between builds, so browsers must revalidate.
    reply.header('cache-control', 'no-cache').type(VIEWER_TYPES[extname(file)])
    return body
  }
  // The query string goes along (/viewer?name=ann -> /viewer/?name=ann): the viewer reads its name there.
  app.get('/viewer', { schema: { summary: 'Redirects to /viewer/', tags: ['viewer'] } }, async (req, reply) => {
    const q = req.url.indexOf('?')
    return reply.redirect(`/viewer/${q >= 0 ? req.url.slice(q) : ''}`, 302)
  })
  app.get('/viewer/', { schema: { summary: 'The web viewer (index.html)', tags: ['viewer'] } }, async (_req, reply) => send('', reply))
  app.get('/viewer/*', { schema: { summary: "A file of the web viewer's build", tags: ['viewer'] } }, async (req, reply) => send((req.params as { '*': string })['*'], reply))
}
