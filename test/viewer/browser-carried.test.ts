// What cells carry, drawn and named by the real viewer (real daemon, real bundle, Debian's
// Chromium; the set-up of browser-play.test.ts): a powered extractor feeding a belt whose input
// was turned with the `input` tool (the belt's item drawn in its kind's colour, the power
// glyphs, the hover line), then a smelter placed with a recipe chosen in the tool bar, fed by the
// extractor (its progress bar), whose recipe change shows the emptied buffers in the inventory
// before the server's record does. Every step is checked against the daemon's own cells.
import t from 'tap'
import { ITEM_NAMES, RECIPES } from '../../src/engine/content.ts'
import { neighbors } from '../../src/engine/geometry.ts'
import { isPentagon } from '../../src/engine/lattice.ts'
import type { Hook } from './chromium.ts'
import { bfs, playSetup } from './play.ts'

declare const window: { __hexdViewer?: Hook }
declare const document: { querySelector(s: string): { click(): void } | null }
const N = 16
const POWER_MISSING = 16
type Cell = Record<string, number>

t.test('the viewer draws items on belts, power and progress, and predicts refunds', async (t) => {
  const setup = await playSetup(t, N)
  if (!setup) return
  const { d, page, errors, hook, ready } = setup
  await page.goto(`${d.url}/viewer/?name=builder`)
  await ready()
  const apiCell = async (id: number): Promise<Cell> => (await (await fetch(`${d.url}/api/cells/${id}`)).json()).cell

  // An ore cell R whose ore a smelter takes, with free buildable neighbours: B (the belt, d),
  // M (the smelter, d + 1), S (the solar, d + 3); B's output side T is empty.
  const me = await hook((h) => h.player!)
  const cells = new Map<number, Cell>((await hook((h) => h.cellIds().map((id) => h.confirmed(id)!))).map((c) => [c.id, c]))
  const free = (id: number) => { const c = cells.get(id); return !!c && !c.struct && !c.owner && c.terrain !== 0 && c.terrain !== 1 && c.terrain !== 6 && id >= 2 && !isPentagon(N, id) }
  const { dist } = bfs(N, me.cell)
  let plan: { R: number; B: number; M: number; S: number; d: number; e: number; inR: number; recipe: (typeof RECIPES)[number] } | undefined
  for (const c of [...cells.values()].sort((a, b) => dist.get(a.id)! - dist.get(b.id)!)) {
    const recipe = RECIPES.find((r) => r.category === 'smelting' && r.a === c.res && r.aCount === 1)
    if (!recipe || (c.amt ?? 0) < 30 || !free(c.id)) continue
    const nb = neighbors(N, c.id)
    for (let d = 0; d < 6 && !plan; d++) {
      const [B, M, S] = [nb[d], nb[(d + 1) % 6], nb[(d + 3) % 6]]
      if (!free(B) || !free(M) || !free(S)) continue
      const inR = neighbors(N, B).indexOf(c.id), e = (inR + 2) % 6
      if (neighbors(N, B).length === 6 && !cells.get(neighbors(N, B)[e])?.struct) plan = { R: c.id, B, M, S, d, e, inR, recipe }
    }
    if (plan) break
  }
  if (!plan) { t.fail('no ore cell with free neighbours in the watched chunks'); return }
  const { R, B, M, S, d: dR, e: eB, inR, recipe } = plan
  const ore = ITEM_NAMES[recipe.a]
  t.comment(`ore ${ore} at ${R}: belt ${B}, smelter ${M}, solar ${S}`)

  // Walk onto R (at most 12 steps per move), so every cell of the plan is on screen.
  await page.click('button[data-tool=move]')
  for (let hop = 0; hop < 12; hop++) {
    const at = await hook((h) => h.player!.cell)
    if (at === R) break
    const way = [R]
    while (way[0] !== at) way.unshift(bfs(N, at).prev.get(way[0])!)
    const next = way[Math.min(12, way.length - 1)]
    await page.click('button[data-tool=centre]')
    const p = await page.evaluate((c) => window.__hexdViewer!.screenOf(c), next)
    t.ok(p, `move target ${next} is on screen`)
    await page.mouse.click(p!.x, p!.y)
    await page.waitForFunction((c) => window.__hexdViewer!.player!.cell === c, next, { timeout: 30_000 })
  }
  await page.click('button[data-tool=centre]')
  const clickCell = async (c: number) => {
    const p = await page.evaluate((id) => window.__hexdViewer!.screenOf(id), c)
    t.ok(p, `cell ${c} is on screen`)
    await page.mouse.click(p!.x, p!.y)
  }
  const settle = async () => {
    await page.waitForFunction(() => { const h = window.__hexdViewer!; return h.lastResult?.result !== undefined && h.pending === 0 }, null, { timeout: 30_000 })
    const r = await hook((h) => h.lastResult!)
    t.equal(r.result?.ok, true, `${JSON.stringify(r.action)}: ${r.result?.code ?? 'ok'} ${r.result?.reason ?? ''}`)
    return r
  }
  const setDir = async (want: number) => {
    for (let k = 0; k < 6 && (await page.textContent('button[data-tool=dir]')) !== `dir ${want}`; k++) await page.click('button[data-tool=dir]')
  }
  const overlay = (id: number) => page.evaluate((c) => window.__hexdViewer!.overlayAt(c), id)

  await t.test('an extractor without power shows the missing-power glyph, with a solar its level', async (t) => {
    await page.click('button[data-tool=extractor]')
    await setDir(dR)
    await clickCell(R)
    await settle()
    t.equal((await overlay(R)).power, POWER_MISSING, 'red glyph: it needs power')
    await page.click('button[data-tool=solar]')
    await clickCell(S)
    await settle()
    await page.waitForFunction(({ r, s }) => window.__hexdViewer!.overlayAt(r).power === 7 && window.__hexdViewer!.overlayAt(s).power === 8, { r: R, s: S }, { timeout: 30_000 })
    t.same([(await apiCell(R)).power, (await apiCell(S)).power], [7, 8], 'the daemon: solar 8, the extractor next to it 7')
  })

  await t.test('a belt whose input the input tool turns to the extractor carries its ore', async (t) => {
    await page.click('button[data-tool=conveyor]')
    await setDir(eB)
    await clickCell(B)
    await settle()
    t.equal((await apiCell(B)).recipe ?? 0, (eB + 3) % 6, 'placed with the default input, behind')
    t.equal((await overlay(B)).inputs, 1, 'its input marker is drawn')
    await page.click('button[data-tool=input]')
    await clickCell(B)
    const r = await settle()
    t.same(r.action, { type: 'rotate', cell: B, dir: eB, input: inR }, 'the next input is the extractor\'s side')
    t.equal(r.optimistic, true, 'shown before the reply')
    t.equal((await apiCell(B)).recipe ?? 0, inR, 'the daemon says the input faces the extractor')
    await page.waitForFunction(({ b, item }) => window.__hexdViewer!.overlayAt(b).items === item && window.__hexdViewer!.overlays.items >= 1, { b: B, item: recipe.a }, { timeout: 30_000 })
    t.equal((await apiCell(B)).item, recipe.a, `the daemon: the belt holds ${ore}`)
    const p = await page.evaluate((id) => window.__hexdViewer!.screenOf(id), B)
    await page.mouse.move(p!.x, p!.y)
    await page.waitForSelector('[data-testid=hover-carried]')
    t.equal(await page.textContent('[data-testid=hover-carried]'), `carrying ${ore} · input from ${inR}`, 'the hover line names the item and the input')
  })

  await t.test('a smelter placed with a recipe, fed, working; a new recipe refunds its buffers at once', async (t) => {
    await page.click('button[data-tool=smelter]')
    await page.selectOption('select[data-tool=place-recipe]', recipe.name)
    await clickCell(M)
    const placed = await settle()
    t.match(placed.action, { type: 'place', cell: M, proto: 'smelter', recipe: recipe.name }, 'the place carries the recipe')
    t.equal((await apiCell(M)).recipe, recipe.id, 'the daemon: placed with its recipe')
    await page.click('button[data-tool=rotate]')
    await clickCell(R)
    await settle()
    t.equal((await apiCell(R)).dir, (dR + 1) % 6, 'the extractor now faces the smelter')
    await page.waitForFunction((m) => window.__hexdViewer!.overlayAt(m).progress > 0 && (window.__hexdViewer!.confirmed(m)!.inA ?? 0) >= 3, M, { timeout: 60_000 })
    t.ok((await hook((h) => h.overlays)).progress >= 1, 'a progress bar is drawn')
    const p = await page.evaluate((id) => window.__hexdViewer!.screenOf(id), M)
    await page.mouse.move(p!.x, p!.y)
    await page.waitForSelector('[data-testid=hover-carried]')
    t.match(await page.textContent('[data-testid=hover-carried]'), new RegExp(`^in \\d+ ${ore} .*· power 6/15$`), 'the hover line shows the input buffer and power (one step from the extractor)')

    const other = RECIPES.find((r) => r.category === 'smelting' && r.id !== recipe.id)!
    await page.click('button[data-tool=recipe]')
    await clickCell(M)
    await page.waitForSelector(`button[data-recipe=${other.name}]`)
    // Click and read in one task: the reply cannot have come, so what is shown is the prediction.
    const seen = await page.evaluate(({ m, name }) => {
      const h = window.__hexdViewer!
      const before = h.inventory, cell = h.cell(m)!
      document.querySelector(`button[data-recipe=${name}]`)!.click()
      return { before, cell, after: h.inventory, pending: h.refundsPending }
    }, { m: M, name: other.name })
    const want: Record<string, number> = { ...seen.before }
    want[ore] = (want[ore] ?? 0) + (seen.cell.inA ?? 0)
    if (seen.cell.count) want[ITEM_NAMES[seen.cell.item]] = (want[ITEM_NAMES[seen.cell.item]] ?? 0) + seen.cell.count
    t.same(seen.after, want, `shown at once: ${seen.cell.inA} ${ore} and ${seen.cell.count ?? 0} ${ITEM_NAMES[seen.cell.item ?? 0]} back`)
    t.equal(seen.pending, 1)
    await page.waitForFunction(() => window.__hexdViewer!.refundsPending === 0 && window.__hexdViewer!.lastResult?.result !== undefined, null, { timeout: 30_000 })
    t.equal((await hook((h) => h.lastResult!)).result?.ok, true)
    // The server empties the buffers at the tick that applies the action, a tick or more after the
    // click (more on a loaded machine), so its refund may differ from the prediction by what came
    // in or was used meanwhile: once settled, the viewer shows the server's record, and ore came back.
    const shown = await hook((h) => h.inventory)
    const server = (await (await fetch(`${d.url}/api/players/${me.id}`)).json()).player.inventory as Record<string, number>
    t.same(shown, server, `settled: the viewer shows the daemon's inventory (${server[ore]} ${ore}; predicted ${want[ore]})`)
    t.ok((server[ore] ?? 0) > (seen.before[ore] ?? 0), 'the buffer\'s ore was refunded')
    t.equal((await apiCell(M)).recipe, other.id)
    t.equal((await apiCell(M)).inA ?? 0, 0, 'the daemon emptied the buffer')
  })

  t.same(errors, [], 'no console errors')
})
