// The web viewer end to end: a real daemon (in-process, --compute js, a small world),
// the real bundle (built here with viewer/build.mjs), Debian's Chromium driven by
// playwright-core. Checks what a user sees: the page joins, draws cells with WebGL,
// the tick advances, clicking a cell claims it (shown at once, confirmed by the server),
// a rejected action rolls back and shows its reason, the picture is not blank, and the
// console stays free of errors. Skips (or fails under HEXD_REQUIRE=browser) without Chromium.
import t from 'tap'
import { existsSync } from 'node:fs'
import { neighbors } from '../../src/engine/geometry.ts'
import { requireOrSkip } from '../helpers/require.ts'
import { testDaemon } from '../net/helpers.ts'
import { CHROMIUM, buildViewer, launchChromium, openPage, type Hook } from './chromium.ts'

declare const window: { __hexdViewer?: Hook }

t.test('the web viewer in Chromium', async (t) => {
  if (!(await requireOrSkip(t, 'browser', existsSync(CHROMIUM), `no Chromium at ${CHROMIUM} (Debian: apt-get install chromium)`))) return

  buildViewer(t)
  const d = await testDaemon(t, { size: 16, ups: 10 })
  const browser = await launchChromium(t)
  const { page, errors } = await openPage(browser)

  const res = await page.goto(`${d.url}/viewer?name=pw`)
  t.equal(res?.status(), 200)
  t.equal(new URL(page.url()).pathname, '/viewer/', 'redirected to /viewer/')
  await page.waitForFunction(() => window.__hexdViewer?.status === 'joined' && window.__hexdViewer.cellsDrawn > 0 && window.__hexdViewer.frames > 2, null, { timeout: 30_000 })
  const first = await page.evaluate(() => { const h = window.__hexdViewer!; return { tick: h.tick, cellsDrawn: h.cellsDrawn, held: h.held, player: h.player, size: h.size } })
  t.equal(first.size, 16)
  t.equal(first.player?.name, 'pw')
  t.ok(first.player!.index >= 1, 'the join reply named the player index')
  t.equal(first.cellsDrawn, first.held, 'every cell of the watched chunks is drawn')
  t.ok(first.held >= 16 * 16, `at least one chunk's cells (${first.held})`)
  t.match(await page.textContent('[data-testid=status]'), /^joined/)
  t.match(await page.textContent('[data-testid=player]'), /pw #\d+ at cell \d+/)

  await page.waitForFunction(() => window.__hexdViewer!.playerTopic === 'joined', null, { timeout: 30_000 })
  t.pass('the player:<id> topic is joined (inventory and player records)')
  await page.waitForFunction((t0) => window.__hexdViewer!.tick > t0, first.tick, { timeout: 30_000 })
  t.pass('the tick advances (diffs arrive)')

  // Click the player's own cell with the default tool (claim).
  const me = first.player!
  const at = await page.evaluate((c) => window.__hexdViewer!.screenOf(c), me.cell)
  t.ok(at, 'the player cell is on screen')
  t.equal(await page.evaluate(([x, y]) => window.__hexdViewer!.cellAt(x, y), [at!.x, at!.y]), me.cell, 'picking at its screen point names it')
  await page.mouse.click(at!.x, at!.y)
  await page.waitForFunction(([c, idx]) => {
    const h = window.__hexdViewer!
    return h.actions.length >= 1 && h.actions[0].result?.ok === true && h.pending === 0 && h.cell(c)?.owner === idx
  }, [me.cell, me.index], { timeout: 30_000 })
  const claim = await page.evaluate(() => window.__hexdViewer!.actions[0])
  t.same(claim.action, { type: 'claim', cell: me.cell }, 'the click sent a claim of that cell')
  t.equal(claim.optimistic, true, 'the change was shown before the reply')
  t.equal(await page.evaluate((c) => window.__hexdViewer!.confirmed(c)?.owner, me.cell), me.index, 'the server diff brought the owner')
  const rest = await (await fetch(`${d.url}/api/cells/${me.cell}`)).json()
  t.equal(rest.cell.owner, me.index, 'the daemon says so too')
  t.match(await page.textContent('[data-testid=result]'), /claim cell \d+: applied at tick \d+/)

  // A rejected action: an extractor on a neighbour without a ground resource is unbuildable.
  const target = await page.evaluate((nbs) => nbs.find((c) => {
    const h = window.__hexdViewer!
    const cell = h.confirmed(c)
    return cell && !cell.res && !cell.struct && !cell.owner && h.screenOf(c)
  }), neighbors(16, me.cell))
  t.ok(target !== undefined, 'a bare neighbour cell is on screen')
  await page.click('button[data-tool=extractor]')
  const p = await page.evaluate((c) => window.__hexdViewer!.screenOf(c), target!)
  await page.mouse.click(p!.x, p!.y)
  await page.waitForFunction(() => window.__hexdViewer!.actions.length >= 2 && window.__hexdViewer!.actions[1].result !== undefined, null, { timeout: 30_000 })
  const rejected = await page.evaluate(() => window.__hexdViewer!.actions[1])
  t.same(rejected.action, { type: 'place', cell: target, proto: 'extractor', dir: 0 })
  t.equal(rejected.optimistic, true, 'shown at once')
  t.equal(rejected.result?.ok, false)
  t.equal(rejected.result?.code, 'HEXD_UNBUILDABLE')
  t.same(await page.evaluate((c) => window.__hexdViewer!.cell(c), target!), await page.evaluate((c) => window.__hexdViewer!.confirmed(c), target!), 'rolled back to the server state')
  t.notOk((await page.evaluate((c) => window.__hexdViewer!.cell(c), target!))?.struct, 'no extractor shown')
  t.match(await page.textContent('[data-testid=result]'), /rejected HEXD_UNBUILDABLE: .+/)

  // The picture: a real rendering has many colours and contrast.
  const png = await page.screenshot()
  const stats = await page.evaluate(async (b64) => {
    const bytes = Uint8Array.from(atob(b64), (ch) => ch.charCodeAt(0))
    const bmp = await createImageBitmap(new Blob([bytes], { type: 'image/png' }))
    const c = new OffscreenCanvas(bmp.width, bmp.height)
    const g = c.getContext('2d')!
    g.drawImage(bmp, 0, 0)
    const px = g.getImageData(0, 0, bmp.width, bmp.height).data
    let sum = 0, sum2 = 0
    const colours = new Set<number>()
    for (let i = 0; i < px.length; i += 4) {
      const l = 0.2126 * px[i] + 0.7152 * px[i + 1] + 0.0722 * px[i + 2]
      sum += l; sum2 += l * l
      colours.add((px[i] >> 3) << 10 | (px[i + 1] >> 3) << 5 | (px[i + 2] >> 3))
    }
    const n = px.length / 4
    return { sd: Math.sqrt(sum2 / n - (sum / n) ** 2), colours: colours.size }
  }, png.toString('base64'))
  t.ok(stats.sd > 10, `the screenshot has contrast (luminance sd ${stats.sd.toFixed(1)})`)
  t.ok(stats.colours > 30, `the screenshot has many colours (${stats.colours})`)

  t.same(errors, [], 'no console errors')

  // The daemon restarts (no store: the session and token are gone). The page reconnects, its
  // rejoin is refused, and it joins again as a new player with a fresh outbox.
  const port = d.port
  await d.close()
  const d2 = await testDaemon(t, { size: 16, ups: 10, port })
  await page.waitForFunction((old) => {
    const h = window.__hexdViewer!
    return h.status === 'joined' && h.player !== null && h.player.id !== old && h.playerTopic === 'joined' && h.cellsDrawn > 0
  }, me.id, { timeout: 60_000 })
  const again = await page.evaluate(() => ({ tick: window.__hexdViewer!.tick, player: window.__hexdViewer!.player!, gaps: window.__hexdViewer!.gaps }))
  t.not(again.player.id, me.id, 'a new player after the restart')
  t.equal(again.gaps, 0, 'the new outbox was read from its seq 1, without a gap')
  await page.waitForFunction((t0) => window.__hexdViewer!.tick > t0, again.tick, { timeout: 30_000 })
  t.pass('diffs flow from the restarted daemon')
  const who = await (await fetch(`${d2.url}/api/players`)).json()
  t.ok(who.players.some((p: { id: string; online: boolean }) => p.id === again.player.id && p.online), 'the restarted daemon sees the page online')
})
