// The curl session of README.md, run exactly as written (bash + curl + jq) against a real daemon.
import t from 'tap'
import { execFile } from 'node:child_process'
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { testDaemon } from './helpers.ts'

const run = promisify(execFile)

t.test('the README curl session works when pasted', async (t) => {
  const doc = readFileSync(new URL('../../README.md', import.meta.url), 'utf8')
  const m = /<!-- curl-session -->\s*```sh\n([\s\S]*?)```/.exec(doc)
  t.ok(m, 'README.md has the marked curl session')
  const d = await testDaemon(t)
  const cwd = mkdtempSync(join(tmpdir(), 'hexd-curl-'))
  const { stdout } = await run('bash', ['-c', m![1]], { cwd, env: { ...process.env, HEXD: d.url }, timeout: 30_000 })
  const lines = stdout.trim().split('\n')
  const created = JSON.parse(lines[0])
  t.match(created, { id: /^[0-9a-f]{32}$/, token: /.{43}/, player: { name: 'ann', index: 1 } }, 'mailbox created')
  t.same(JSON.parse(lines[1]), { seq: 1, topic: 'world:main', event: 'snapshot' }, 'first message is the snapshot')
  const applied = lines.map((l) => { try { return JSON.parse(l) } catch { return null } })
  const waited = applied.find((o) => o && Array.isArray(o.results))
  t.match(waited, { queued: 1, results: [{ ok: true }] }, 'the claim was applied')
  t.ok(applied.some((o) => o && o.owner === created.player.index), 'REST shows the cell owned by ann')
  t.ok(applied.some((o) => o && o.ok === true && typeof o.seq === 'number' && o.tick === waited.tick), 'the action_result is in the mailbox')
  t.ok(applied.some((o) => o?.error?.code === 'HEXD_BAD_ACTION' && o.error.field === 'type'), 'a bad action names the field')
  t.ok(lines.includes('401'), 'a wrong token is 401')
  t.ok(applied.some((o) => o && o.closed === true && o.id === created.id), 'session closed')
  const cell = d.game.cell(created.player.cell).cell
  t.equal(cell.owner, created.player.index, 'the world really holds the change')
})
