// End to end: a real `hexd serve` and a real `hexd tui` inside tmux. Checks the
// map appears, a structure placed from the keyboard lands in the daemon's REST
// state, and a change made by another client (curl mailbox) shows up on screen.
import t from 'tap'
import { once } from 'node:events'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { TERRAIN, prototypeByName } from '../../src/engine/content.ts'
import { HEXD, clean, getJSON, hasTmux, paneWhere, shortestPath, startDaemon, tmux } from './tmux-helpers.ts'

t.test('hexd tui against a real daemon, under tmux', async (t) => {
  if (!hasTmux()) { t.plan(0, 'skip: tmux is not installed'); return }
  const dir = mkdtempSync(join(tmpdir(), 'hexd-tui-e2e-'))
  // Its own data directory: the default (./.hexd) may be held by another daemon.
  const daemon = await startDaemon(['--size', '64', '--seed', '5', '--ups', '20', '--no-zmq', '--data', join(dir, 'data')])
  const session = `hexd-tui-e2e-${process.pid}`
  t.teardown(async () => {
    try { tmux('kill-session', '-t', session) } catch { /* already gone */ }
    if (daemon.proc.exitCode === null) { daemon.proc.kill('SIGTERM'); await once(daemon.proc, 'exit') }
  })

  // An 80×24 terminal; the TUI's stderr goes to a file, its exit status to the pane.
  tmux('new-session', '-d', '-s', session, '-x', '80', '-y', '24',
    `${clean(`${HEXD} tui --url ${daemon.url} --name alice`)} 2>${join(dir, 'tui.err')}; echo TUI-EXIT=$?; sleep 30`)

  // 1. The map appears: status line online, hex rows of terrain glyphs, the cursor.
  const first = await paneWhere(session, (p) => /online/.test(p) && /\[@\]/.test(p) && /tick \d+/.test(p), 'the map')
  const lines = first.split('\n')
  t.ok(lines.filter((l) => /^[ ]?(\S\s){10,}/.test(l)).length >= 10, 'at least 10 hex rows drawn')
  const me = await getJSON(`${daemon.url}/api/players`)
  const alice = me.players.find((p: any) => p.name === 'alice')
  t.ok(alice, 'alice joined the daemon')
  const cellLine = /cell (\d+)/.exec(first)
  t.equal(Number(cellLine?.[1]), alice.cell, 'the cursor starts on alice\'s cell')

  // 2. Place a structure from the keyboard; find it in the daemon's REST state.
  //    Try the cursor cell and, if the engine refuses (e.g. water), a few cells east.
  tmux('send-keys', '-t', session, '2') // structure 2 = conveyor
  await paneWhere(session, (p) => /build \[2\/\d+\] conveyor/.test(p), 'the build choice')
  let placedCell = -1
  for (let attempt = 0; attempt < 6 && placedCell < 0; attempt++) {
    const pane = tmux('capture-pane', '-p', '-t', session)
    const cell = Number(/cell (\d+)/.exec(pane)![1])
    tmux('send-keys', '-t', session, 'Space')
    const after = await paneWhere(session, (p) => new RegExp(`place cell ${cell}: ok|place rejected`).test(p), 'the place result')
    if (new RegExp(`place cell ${cell}: ok`).test(after)) placedCell = cell
    else { t.comment(`place on ${cell} refused: ${/place rejected: .*/.exec(after)?.[0]}`); tmux('send-keys', '-t', session, 'Right') }
    await new Promise((r) => setTimeout(r, 200))
  }
  t.ok(placedCell >= 0, 'a conveyor was placed from the keyboard')
  const rest = await getJSON(`${daemon.url}/api/cells/${placedCell}`)
  t.equal(rest.cell.struct, prototypeByName('conveyor')!.id, 'the daemon\'s REST state has the conveyor')
  await paneWhere(session, (p) => /machine\s+conveyor dir \d/.test(p), 'the conveyor in the cell panel')
  await paneWhere(session, (p) => p.split('\n').some((l) => /[→↗↖←↙↘]/.test(l.slice(0, 48))), 'the conveyor drawn as an arrow')
  t.pass('the conveyor is drawn as an arrow toward the neighbour it feeds')

  // 3. Another client, by curl-style mailbox: bob walks next to alice's conveyor
  //    (moves of at most 16 steps, all in one batch) and builds a solar panel there.
  const bob = await getJSON(`${daemon.url}/mailbox`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'bob' }) })
  const auth = { authorization: `Bearer ${bob.token}`, 'content-type': 'application/json' }
  const { neighbors } = await import('../../src/engine/geometry.ts')
  const world = await getJSON(`${daemon.url}/api/world`)
  let solarCell = -1
  let after = 0
  for (const target of neighbors(world.size, placedCell)) {
    const cell = (await getJSON(`${daemon.url}/api/cells/${target}`)).cell
    if (cell.struct || cell.owner || cell.terrain === TERRAIN.WATER || cell.terrain === TERRAIN.ICE) continue
    const from = (await getJSON(`${daemon.url}/api/players`)).players.find((p: any) => p.name === 'bob').cell
    const path = shortestPath(world.size, from, target, neighbors)
    const moves = path.filter((_, i) => i > 0 && (i % 16 === 0 || i === path.length - 1)).map((c) => ({ type: 'move', cell: c }))
    const batch = [...moves, { type: 'place', cell: target, proto: 'solar', dir: 0 }]
    await getJSON(`${daemon.url}/mailbox/${bob.id}/actions`, { method: 'POST', headers: auth, body: JSON.stringify(batch) })
    let results: any[] = []
    for (let i = 0; i < 20 && results.length < batch.length; i++) {
      const got = await getJSON(`${daemon.url}/mailbox/${bob.id}/messages?after=${after}&wait=2`, { headers: auth })
      for (const m of got.messages) { after = Math.max(after, m.seq); if (m.event === 'action_result') results.push(m.payload) }
    }
    if (results.length === batch.length && results.every((r) => r.ok)) { solarCell = target; break }
    t.comment(`bob could not build on ${target}: ${JSON.stringify(results)}`)
  }
  t.ok(solarCell >= 0, 'bob placed a solar panel through the mailbox')
  // The solar panel's glyph (Z) appears on alice's map, and bob shows up as online.
  const withSolar = await paneWhere(session, (p) => p.split('\n').some((l) => l.slice(0, 48).includes('Z')), 'bob\'s solar panel on the map')
  t.ok(withSolar.includes('Z'), 'solar panel drawn')
  tmux('send-keys', '-t', session, 'Tab', 'Tab', 'Tab')
  await paneWhere(session, (p) => /● bob/.test(p), 'bob online in the players panel')
  t.pass('bob is listed online')

  // 4. Resize: a bigger window gets a bigger map, and the frame stays shorter than the screen.
  const rowsBefore = tmux('capture-pane', '-p', '-t', session).split('\n').filter((l) => /^[ ]?(\S\s){10,}/.test(l)).length
  tmux('resize-window', '-t', session, '-x', '120', '-y', '40')
  const big = await paneWhere(session, (p) => p.split('\n').filter((l) => /^[ ]?(\S\s){10,}/.test(l)).length > rowsBefore + 5, 'a taller map after resize')
  t.match(big, /tick \d+/, 'status line still on screen after resize')

  // 5. Quit cleanly.
  tmux('send-keys', '-t', session, 'q')
  await paneWhere(session, (p) => /TUI-EXIT=0/.test(p), 'a clean exit (status 0)')
  t.pass('quits with status 0')
})

