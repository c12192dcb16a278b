// GET /viewer, /viewer/ and its assets (src/net/http/viewer.ts): content types, 404 for
// unknown or unsafe names, 503 with the build command when nothing is built, the redirect,
// and its registration in the daemon's server.
import t from 'tap'
import Fastify from 'fastify'
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { request } from 'node:http'
import { toHexdError } from '../../src/net/server.ts'
import { VIEWER_DIST, registerViewer, viewerFile } from '../../src/net/http/viewer.ts'
import { testDaemon } from './helpers.ts'

/** A fastify app with the server's own error mapping and the viewer route over `dist`. */
function app(dist: string) {
  const a = Fastify()
  a.setErrorHandler((err, _req, reply) => { const h = toHexdError(err); reply.code(h.status).send(h.toJSON()) })
  registerViewer(a, dist)
  return a
}

t.test('a built viewer: index, assets, content types, 404s', async (t) => {
  const dist = mkdtempSync(join(tmpdir(), 'hexd-viewer-'))
  t.teardown(() => rmSync(dist, { recursive: true, force: true }))
  writeFileSync(join(dist, 'index.html'), '<!doctype html><title>v</title>')
  writeFileSync(join(dist, 'app.js'), 'console.log(1)')
  writeFileSync(join(dist, 'app.js.map'), '{}')
  writeFileSync(join(dist, 'notes.txt'), 'not servable')
  mkdirSync(join(dist, 'img'))
  writeFileSync(join(dist, 'img', 'a.png'), Buffer.from([0x89, 0x50]))
  const a = app(dist)
  t.teardown(() => a.close())

  const index = await a.inject('/viewer/')
  t.equal(index.statusCode, 200)
  t.match(index.headers['content-type'], /^text\/html/)
  t.equal(index.headers['cache-control'], 'no-cache')
  t.equal(index.body, '<!doctype html><title>v</title>')
  const js = await a.inject('/viewer/app.js')
  t.equal(js.statusCode, 200)
  t.match(js.headers['content-type'], /^text\/javascript/)
  t.equal(js.body, 'console.log(1)')
  t.match((await a.inject('/viewer/app.js.map')).headers['content-type'], /^application\/json/)
  const png = await a.inject('/viewer/img/a.png')
  t.equal(png.statusCode, 200)
  t.equal(png.headers['content-type'], 'image/png')
  t.same([...png.rawPayload], [0x89, 0x50])

  const redirect = await a.inject('/viewer?name=ann')
  t.equal(redirect.statusCode, 302)
  t.equal(redirect.headers.location, '/viewer/?name=ann', 'the query string goes along')
  t.equal((await a.inject('/viewer')).headers.location, '/viewer/')

  for (const path of ['/viewer/nope.js', '/viewer/notes.txt', '/viewer/img', '/viewer/img/', '/viewer/img/..%2f..%2fpackage.json', '/viewer/.hidden.js/../app.js', '/viewer/%2e%2e%2fpackage.json']) {
    const r = await a.inject(path)
    t.equal(r.statusCode, 404, `${path} is 404`)
    t.equal(r.json().error.code, 'HEXD_NOT_FOUND', `${path}: HEXD_NOT_FOUND`)
  }
})

t.test('nothing built: 503 naming the command', async (t) => {
  const dist = join(mkdtempSync(join(tmpdir(), 'hexd-viewer-')), 'dist')
  t.teardown(() => rmSync(join(dist, '..'), { recursive: true, force: true }))
  const a = app(dist)
  t.teardown(() => a.close())
  for (const path of ['/viewer/', '/viewer/app.js']) {
    const r = await a.inject(path)
    t.equal(r.statusCode, 503, path)
    t.equal(r.json().error.code, 'HEXD_VIEWER_NOT_BUILT')
    t.match(r.json().error.message, /npm run build:viewer/)
  }
  t.equal((await a.inject('/viewer/evil.exe')).statusCode, 404, 'an unservable name is 404 even then')
})

t.test('viewerFile maps names into dist, refuses the rest', async (t) => {
  t.equal(viewerFile('/d', ''), join('/d', 'index.html'))
  t.equal(viewerFile('/d', 'a/b.css'), join('/d', 'a', 'b.css'))
  for (const bad of ['..', '../x.js', 'a/../x.js', './x.js', 'x', 'a//b.js', '/x.js', 'x.exe']) {
    t.throws(() => viewerFile('/d', bad), { code: 'HEXD_NOT_FOUND' }, JSON.stringify(bad))
  }
  t.match(VIEWER_DIST, /viewer[\\/]dist[\\/]?$/)
})

t.test('the daemon serves it', async (t) => {
  const d = await testDaemon(t)
  const r = await fetch(`${d.url}/viewer`, { redirect: 'manual' })
  t.equal(r.status, 302)
  t.equal(r.headers.get('location'), '/viewer/')
  const v = await fetch(`${d.url}/viewer/`)
  // Built or not, the route is there and answers like every other route.
  t.ok(v.status === 200 || v.status === 503, `GET /viewer/ is 200 or 503, got ${v.status}`)
  if (v.status === 503) t.equal((await v.json()).error.code, 'HEXD_VIEWER_NOT_BUILT')
  else t.match(v.headers.get('content-type'), /^text\/html/)
  const missing = await fetch(`${d.url}/viewer/no-such-file.js`)
  t.ok(missing.status === 404 || missing.status === 503)
  // Paths sent as they are (fetch would normalise the dots away): nothing outside dist is served.
  for (const path of ['/viewer/../package.json', '/viewer/%2e%2e/package.json', '/viewer/..%2Fpackage.json']) {
    const r = await raw(`${d.url}${path}`)
    t.equal(r.status, 404, `${path} is 404`)
    t.equal(JSON.parse(r.body).error.code, 'HEXD_NOT_FOUND', `${path}: HEXD_NOT_FOUND`)
  }
  const api = await (await fetch(`${d.url}/api/openapi.json`)).json()
  t.ok(api.paths['/viewer/'], 'listed in the OpenAPI document')
})

/** GET with the path exactly as written. */
function raw(url: string): Promise<{ status: number; body: string }> {
  const u = new URL(url)
  const path = url.slice(url.indexOf('/', u.protocol.length + 2))
  return new Promise((resolve, reject) => {
    request({ host: u.hostname, port: u.port, path }, (res) => {
      let body = ''
      res.setEncoding('utf8').on('data', (c) => { body += c }).on('end', () => resolve({ status: res.statusCode!, body }))
    }).on('error', reject).end()
  })
}
