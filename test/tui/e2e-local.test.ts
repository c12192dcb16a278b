// End to end, `hexd tui` alone under tmux: --local (an embedded daemon),
// --local --data (the world kept between runs), and bad starts (nothing at
// --url, no terminal).
import t from 'tap'
import { execFileSync } from 'node:child_process'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { HEXD, clean, hasTmux, paneWhere, tmux } from './tmux-helpers.ts'

t.test('hexd tui --local: an embedded daemon, same play', async (t) => {
  if (!hasTmux()) { t.plan(0, 'skip: tmux is not installed'); return }
  const dir = mkdtempSync(join(tmpdir(), 'hexd-tui-local-'))
  const session = `hexd-tui-local-${process.pid}`
  t.teardown(() => { try { tmux('kill-session', '-t', session) } catch { /* gone */ } })
  tmux('new-session', '-d', '-s', session, '-x', '80', '-y', '24',
    `${clean(`${HEXD} tui --local --size 16 --seed 9 --name solo --log ${join(dir, 'local.log')}`)} 2>${join(dir, 'tui.err')}; echo TUI-EXIT=$?; sleep 30`)
  const pane = await paneWhere(session, (p) => /local/.test(p) && /\[@\]/.test(p) && /tick \d+/.test(p), 'the local map')
  t.match(pane, /you: solo/)
  // The tick advances on its own: the embedded daemon is running.
  const tick0 = Number(/tick (\d+)/.exec(pane)![1])
  await paneWhere(session, (p) => Number(/tick (\d+)/.exec(p)?.[1] ?? 0) > tick0 + 5, 'the tick advancing')
  t.pass('the tick advances')
  // A claim from the keyboard is answered by the embedded daemon.
  tmux('send-keys', '-t', session, 'c')
  const claimed = await paneWhere(session, (p) => /claim cell \d+: ok|claim rejected: \S+/.test(p), 'the claim result')
  t.match(claimed, /claim cell \d+: ok/, 'the claim is accepted')
  tmux('send-keys', '-t', session, 'q')
  await paneWhere(session, (p) => /TUI-EXIT=0/.test(p), 'a clean exit')
  t.pass('quits with status 0')
})

t.test('hexd tui --local --data keeps the world between runs', async (t) => {
  if (!hasTmux()) { t.plan(0, 'skip: tmux is not installed'); return }
  const dir = mkdtempSync(join(tmpdir(), 'hexd-tui-keep-'))
  const session = `hexd-tui-keep-${process.pid}`
  t.teardown(() => { try { tmux('kill-session', '-t', session) } catch { /* gone */ } })
  const play = (name: string) => tmux('new-session', '-d', '-s', session, '-x', '80', '-y', '24',
    `${clean(`${HEXD} tui --local --size 16 --seed 4 --data ${join(dir, 'world')} --name ${name} --log ${join(dir, `${name}.log`)}`)} 2>${join(dir, `${name}.err`)}; echo TUI-EXIT=$?; sleep 30`)

  play('first')
  await paneWhere(session, (p) => /local/.test(p) && /you: first/.test(p) && /\[@\]/.test(p), 'the first run', 40_000)
  tmux('send-keys', '-t', session, 'c')
  await paneWhere(session, (p) => /claim cell \d+: ok/.test(p), 'the claim accepted')
  tmux('send-keys', '-t', session, 'q')
  await paneWhere(session, (p) => /TUI-EXIT=0/.test(p), 'the first run exiting')
  tmux('kill-session', '-t', session)

  play('second')
  await paneWhere(session, (p) => /you: second/.test(p) && /\[@\]/.test(p), 'the second run', 40_000)
  tmux('send-keys', '-t', session, 'Tab', 'Tab', 'Tab')
  const players = await paneWhere(session, (p) => /players \(Tab\)/.test(p) && /○ first/.test(p), 'the first player, offline, in the players panel')
  t.match(players, /● second \(you\)/, 'the new player is online')
  t.pass('the world (and its first player) survived the restart')
  tmux('send-keys', '-t', session, 'q')
  await paneWhere(session, (p) => /TUI-EXIT=0/.test(p), 'a clean exit')
})

t.test('bad starts: nothing at --url exits 69 with a clear message; no terminal exits 64', async (t) => {
  if (!hasTmux()) { t.plan(0, 'skip: tmux is not installed'); return }
  const session = `hexd-tui-bad-${process.pid}`
  t.teardown(() => { try { tmux('kill-session', '-t', session) } catch { /* gone */ } })
  tmux('new-session', '-d', '-s', session, '-x', '120', '-y', '24',
    `${clean(`${HEXD} tui --url http://127.0.0.1:9 --name x`)}; echo TUI-EXIT=$?; sleep 30`)
  const pane = await paneWhere(session, (p) => /TUI-EXIT=\d+/.test(p), 'the exit')
  t.match(pane, /TUI-EXIT=69/)
  t.match(pane, /no hexd daemon answers at http:\/\/127\.0\.0\.1:9/)
  // Without a TTY (stdin/stdout are pipes here).
  let code = 0, err = ''
  try { execFileSync(HEXD, ['tui', '--url', 'http://127.0.0.1:9'], { stdio: 'pipe', encoding: 'utf8' }) } catch (e: any) { code = e.status; err = e.stderr }
  t.equal(code, 64)
  t.match(err, /needs an interactive terminal/)
})
