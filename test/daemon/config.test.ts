// serve configuration precedence (flags > env > file > defaults) and validation naming the option.
import t from 'tap'
import { writeFileSync, mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DEFAULTS, resolveConfig } from '../../src/daemon/config.ts'

t.test('precedence', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'hexd-cfg-'))
  const file = join(dir, 'c.json')
  writeFileSync(file, JSON.stringify({ ups: 10, size: 32, host: '0.0.0.0' }))
  t.same(resolveConfig({}, {}), DEFAULTS, 'defaults with nothing given')
  const c = resolveConfig({ config: file, size: 16 }, { HEXD_UPS: '30', HEXD_PORT: '5000' })
  t.equal(c.size, 16, 'flag beats file')
  t.equal(c.ups, 30, 'env beats file')
  t.equal(c.host, '0.0.0.0', 'file beats default')
  t.equal(c.port, 5000)
  t.equal(resolveConfig({ ups: 40 }, { HEXD_UPS: '30' }).ups, 40, 'flag beats env')
  const n = resolveConfig({ sync: 'eventfd', spinNs: '20000' }, { HEXD_THREADS: '2' })
  t.same([n.sync, n.spinNs, n.threads], ['eventfd', 20000, 2], 'native options (--sync, --spin-ns, HEXD_THREADS)')
})

t.test('bad values name the option and the source', async (t) => {
  t.throws(() => resolveConfig({ ups: 0 }, {}), { code: 'HEXD_BAD_OPTION', field: 'ups', message: /ups \(--ups\) must be an integer from 1 to 60, got 0/ })
  t.throws(() => resolveConfig({}, { HEXD_PORT: 'abc' }), { code: 'HEXD_BAD_OPTION', message: /HEXD_PORT/ })
  t.throws(() => resolveConfig({ compute: 'gpu' }, {}), { message: /compute .* one of js, thread, process/ })
  t.throws(() => resolveConfig({ sync: 'pipe' }, {}), { field: 'sync', message: /sync \(--sync\) must be one of auto, futex, eventfd, signal, got "pipe"/ })
  t.throws(() => resolveConfig({}, { HEXD_SPIN_NS: '-1' }), { field: 'spin-ns', message: /HEXD_SPIN_NS/ })
  t.throws(() => resolveConfig({ threads: '999' }, {}), { field: 'threads', message: /threads \(--threads\) must be an integer from 0 to 256/ })
  const dir = mkdtempSync(join(tmpdir(), 'hexd-cfg-'))
  writeFileSync(join(dir, 'bad.json'), '{"colour": 1}')
  t.throws(() => resolveConfig({ config: join(dir, 'bad.json') }, {}), { message: /unknown key "colour"/ })
})
