// The web viewer playing, end to end (real daemon, real bundle, Debian's Chromium): the same
// player after a reload (session, seq and cells from localStorage; no seq gap or replay), `?new`
// for a fresh player, the area of interest following the player's moves (chunks that left it
// are no longer drawn, new ones are), and a smelter placed, given a recipe through the recipe
// menu and rotated with the rotate tool, each confirmed by the daemon's REST reads.
import t from 'tap'
import { cellToChunk, chunkCells, chunkCount, chunkNeighbors } from '../../src/engine/chunks.ts'
import { TERRAIN } from '../../src/engine/content.ts'
import { neighbors } from '../../src/engine/geometry.ts'
import { isPentagon } from '../../src/engine/lattice.ts'
import type { Hook } from './chromium.ts'
import { path, playSetup } from './play.ts'

declare const window: { __hexdViewer?: Hook }
const N = 16

t.test('the viewer keeps its player, follows the player, sets recipes and rotates', async (t) => {
  const setup = await playSetup(t, N)
  if (!setup) return
  const { d, page, errors, hook, ready } = setup
  await page.goto(`${d.url}/viewer/?name=keeper`)
  await ready()
  const first = await hook((h) => ({ player: h.player!, resumed: h.resumed }))
  t.equal(first.resumed, '', 'a first visit is a new player')

  await t.test('a reload is the same player, resumed after its last seq with its cells', async (t) => {
    await page.waitForFunction((s) => window.__hexdViewer!.lastSeq > s + 2, await hook((h) => h.lastSeq), { timeout: 30_000 })
    await page.reload()
    await ready()
    await page.waitForFunction(() => window.__hexdViewer!.firstSeq > 0, null, { timeout: 30_000 })
    const again = await hook((h) => ({ player: h.player!, resumed: h.resumed, gaps: h.gaps, duplicates: h.duplicates, firstSeq: h.firstSeq, cellsDrawn: h.cellsDrawn, held: h.held }))
    t.equal(again.player.id, first.player.id, 'the same player id')
    t.equal(again.resumed, 'cells', 'resumed from the saved session and cells')
    const saved = JSON.parse(await page.evaluate(() => localStorage.getItem('hexd.viewer:/socket')) ?? 'null')
    t.equal(saved?.name, 'keeper', 'the session is in localStorage under the endpoint\'s key')
    t.ok(saved.seq > 0 && saved.chunks.length > 0, `saved at pagehide with its seq (${saved.seq}) and cells`)
    t.equal(again.firstSeq, saved.seq + 1, 'the first message after the reload is the one after the saved seq')
    t.equal(again.gaps, 0, 'no seq gap')
    t.equal(again.duplicates, 0, 'nothing replayed twice')
    t.ok(again.cellsDrawn > 0 && again.cellsDrawn === again.held, 'the saved cells are drawn')
    const players = (await (await fetch(`${d.url}/api/players`)).json()).players as Array<{ id: string }>
    t.equal(players.length, 1, 'the daemon has one player, not one per load')
  })

  await t.test('?new starts a new player, then a reload keeps that one', async (t) => {
    await page.goto(`${d.url}/viewer/?name=keeper&new`)
    await ready()
    const fresh = await hook((h) => ({ player: h.player!, resumed: h.resumed }))
    t.not(fresh.player.id, first.player.id, 'a different player')
    t.equal(fresh.resumed, '')
    t.notMatch(page.url(), /new/, '?new is dropped from the address')
    await page.reload()
    await ready()
    t.equal(await hook((h) => h.player!.id), fresh.player.id, 'the reload keeps the new player')
  })

  await t.test('the area of interest follows the player\'s moves', async (t) => {
    const start = await hook((h) => ({ cell: h.player!.cell, watched: h.watched!, chunks: h.chunksDrawn }))
    const c0 = cellToChunk(N, start.cell).chunk
    t.same([...start.watched].sort(), [c0, ...chunkNeighbors(N, c0)].sort(), 'watched: the player\'s chunk and its neighbours')
    t.same([...start.chunks].sort(), [...start.watched].sort(), 'every watched chunk is drawn')
    // Walk toward a far chunk (at most 16 steps per move) until the watched set changes.
    const far = chunkCells(N, [...Array(chunkCount(N)).keys()].find((c) => c !== c0 && !start.watched.includes(c) && chunkCells(N, c).length > 0)!)
    const goal = far[far.length >> 1]
    await page.click('button[data-tool=move]')
    let watched = start.watched
    for (let hop = 0; hop < 8 && watched.every((c) => start.watched.includes(c)); hop++) {
      const cell = await hook((h) => h.player!.cell)
      const way = path(N, cell, goal)
      const next = way[Math.min(16, way.length - 1)]
      await page.click('button[data-tool=centre]')
      const at = await page.evaluate((c) => window.__hexdViewer!.screenOf(c), next)
      t.ok(at, `move target ${next} is on screen`)
      await page.mouse.click(at!.x, at!.y)
      await page.waitForFunction((c) => window.__hexdViewer!.player!.cell === c, next, { timeout: 30_000 })
      // The new chunks' snapshot and the watched set (subscribe reply) follow the move.
      await page.waitForFunction((c) => window.__hexdViewer!.lastResult?.result?.ok === true && window.__hexdViewer!.watched !== null, next, { timeout: 30_000 })
      const c = cellToChunk(N, next).chunk
      await page.waitForFunction((want) => {
        const h = window.__hexdViewer!
        return h.watched!.length === want.length && want.every((x) => h.watched!.includes(x)) && h.chunksDrawn.length === want.length && want.every((x) => h.chunksDrawn.includes(x))
      }, [c, ...chunkNeighbors(N, c)], { timeout: 30_000 })
      watched = await hook((h) => h.watched!)
    }
    const added = watched.filter((c) => !start.watched.includes(c))
    const left = start.watched.filter((c) => !watched.includes(c))
    t.ok(added.length > 0, `new chunks are watched (${added})`)
    t.ok(left.length > 0, `chunks left the area (${left})`)
    const now = await hook((h) => ({ chunks: h.chunksDrawn, cellsDrawn: h.cellsDrawn, held: h.held }))
    t.ok(added.every((c) => now.chunks.includes(c)), 'the new chunks are drawn')
    t.ok(left.every((c) => !now.chunks.includes(c)), 'the chunks that left are not drawn')
    t.equal(now.cellsDrawn, now.held)
    const newCell = chunkCells(N, added[0])[0], oldCell = chunkCells(N, left[0])[0]
    t.ok(await page.evaluate((c) => window.__hexdViewer!.cell(c), newCell), 'a cell of a new chunk is held')
    t.equal(await page.evaluate((c) => window.__hexdViewer!.cell(c), oldCell), null, 'a cell of a chunk that left is not')
  })

  await t.test('the watch tool subscribes to a chunk outside the area, and unsubscribes', async (t) => {
    const area = await hook((h) => h.watched!)
    await page.click('button[data-tool=centre]')
    const outside = [...Array(chunkCount(N)).keys()].filter((c) => !area.includes(c) && chunkCells(N, c).length > 0)
    let target: { cell: number; chunk: number; at: { x: number; y: number } } | undefined
    // Turn the globe (drags) until a cell of an unwatched chunk faces the camera, clear of the panels.
    for (let turn = 0; turn < 12 && !target; turn++) {
      for (const chunk of outside) {
        const cells = chunkCells(N, chunk).filter((_, i) => i % 5 === 0)
        const hit = await page.evaluate((ids) => {
          for (const cell of ids) {
            const at = window.__hexdViewer!.screenOf(cell, true)
            if (at && at.x > 40 && at.x < 920 && at.y > 210 && at.y < 580) return { cell, at }
          }
          return null
        }, cells)
        if (hit) { target = { ...hit, chunk }; break }
      }
      if (target) break
      await page.mouse.move(400, 400)
      await page.mouse.down()
      await page.mouse.move(560, 400, { steps: 6 })
      await page.mouse.up()
    }
    t.ok(target, 'a cell of an unwatched chunk is on screen (the dark globe)')
    await page.click('button[data-tool=watch]')
    await page.mouse.click(target!.at.x, target!.at.y)
    const chunk = await page.evaluate(([x, y]) => window.__hexdViewer!.cellAt(x, y, true), [target!.at.x, target!.at.y]).then((c) => cellToChunk(N, c!).chunk)
    await page.waitForFunction((c) => window.__hexdViewer!.watched!.includes(c) && window.__hexdViewer!.chunksDrawn.includes(c), chunk, { timeout: 30_000 })
    t.pass(`chunk ${chunk} is watched and drawn`)
    t.match(await page.textContent('[data-testid=hud]'), new RegExp(`watching ${chunk} too`))
    const p = await page.evaluate((c) => window.__hexdViewer!.screenOf(c), chunkCells(N, chunk)[chunkCells(N, chunk).length >> 1])
    t.ok(p, 'its cells are drawn where the globe was')
    await page.mouse.click(p!.x, p!.y)
    await page.waitForFunction((c) => !window.__hexdViewer!.watched!.includes(c) && !window.__hexdViewer!.chunksDrawn.includes(c), chunk, { timeout: 30_000 })
    t.pass('a second click unwatches it: not drawn any more')
  })

  await t.test('a smelter placed, its recipe set through the menu, then rotated', async (t) => {
    const me = await hook((h) => h.player!)
    await page.click('button[data-tool=centre]')
    const spot = await page.evaluate(({ nbs }) => nbs.find((c) => {
      const h = window.__hexdViewer!
      const cell = h.confirmed(c)
      return cell && !cell.struct && (!cell.owner || cell.owner === h.player!.index) && h.screenOf(c)
        && cell.terrain !== 1 && cell.terrain !== 6 && cell.terrain !== 0
    }), { nbs: [...new Set([...neighbors(N, me.cell), ...neighbors(N, me.cell).flatMap((c) => neighbors(N, c))])].filter((c) => c !== me.cell && c >= 2 && !isPentagon(N, c)) })
    t.ok(spot !== undefined, 'a buildable cell within two steps is on screen')
    void TERRAIN
    const clickCell = async (c: number) => {
      const p = await page.evaluate((id) => window.__hexdViewer!.screenOf(id), c)
      await page.mouse.click(p!.x, p!.y)
    }
    const settled = (n: number) => page.waitForFunction((k) => {
      const h = window.__hexdViewer!
      return h.actions.length >= k && h.actions[k - 1].result !== undefined && h.pending === 0
    }, n, { timeout: 30_000 })
    const count = await hook((h) => h.actions.length)
    const smelters = async () => (await hook((h) => h.models)).smelter ?? 0
    const before = await smelters()

    await page.click('button[data-tool=smelter]')
    await clickCell(spot!)
    await settled(count + 1)
    const placed = await hook((h) => h.actions[h.actions.length - 1])
    t.equal(placed.result?.ok, true, `the smelter stands: ${placed.result?.code ?? ''} ${placed.result?.reason ?? ''}`)
    t.equal(await smelters(), before + 1, 'one more smelter model is drawn')

    await page.click('button[data-tool=recipe]')
    await clickCell(spot!)
    await page.waitForSelector('[data-testid=recipe-menu]')
    t.match(await page.textContent('[data-testid=recipe-menu]'), /smelter at cell \d+.*iron_plate.*1 iron_ore → 1 iron_plate, 8 ticks/s, 'the menu lists the smelting recipes')
    t.notOk(await page.$('button[data-recipe=gear]'), 'no assembling recipe in a smelter')
    await page.click('button[data-recipe=iron_plate]')
    await settled(count + 2)
    const set = await hook((h) => h.actions[h.actions.length - 1])
    t.same(set.action, { type: 'set_recipe', cell: spot, recipe: 'iron_plate' })
    t.equal(set.optimistic, true, 'shown before the reply')
    t.equal(set.result?.ok, true, `set_recipe applied: ${set.result?.reason ?? ''}`)
    t.equal((await (await fetch(`${d.url}/api/cells/${spot}`)).json()).cell.recipe, 1, 'the daemon says recipe 1 (iron_plate)')
    await page.waitForSelector('button[data-recipe=iron_plate].on')
    t.pass('the menu marks the current recipe')
    await page.click('[data-testid=menu-close]')

    const p = await page.evaluate((id) => window.__hexdViewer!.screenOf(id), spot!)
    await page.mouse.move(p!.x, p!.y)
    await page.waitForSelector('[data-testid=hover-recipe]')
    t.match(await page.textContent('[data-testid=hover-recipe]'), /^iron_plate: 1 iron_ore → 1 iron_plate/, 'the hover panel shows the recipe')

    await page.click('button[data-tool=rotate]')
    await clickCell(spot!)
    await settled(count + 3)
    const rot = await hook((h) => h.actions[h.actions.length - 1])
    t.same(rot.action, { type: 'rotate', cell: spot, dir: 1 }, 'one step on from dir 0')
    t.equal(rot.optimistic, true)
    t.equal(rot.result?.ok, true)
    await page.waitForFunction((c) => window.__hexdViewer!.cell(c)?.dir === 1, spot!, { timeout: 30_000 })
    t.equal((await (await fetch(`${d.url}/api/cells/${spot}`)).json()).cell.dir, 1, 'the daemon says dir 1')
    t.equal(await smelters(), before + 1, 'a rotated model is the same instance')

    await page.click('button[data-tool=remove]')
    await clickCell(spot!)
    await settled(count + 4)
    t.equal((await hook((h) => h.actions[h.actions.length - 1])).result?.ok, true, 'removed')
    t.equal(await smelters(), before, 'its model is gone')

    // Rotating a bare cell: nothing to predict, and the server says why.
    await page.click('button[data-tool=rotate]')
    await clickCell(spot!)
    await settled(count + 5)
    const bare = await hook((h) => h.actions[h.actions.length - 1])
    t.equal(bare.optimistic, false, 'no prediction for a cell without a structure')
    t.equal(bare.result?.code, 'HEXD_NO_STRUCTURE')
    t.match(await page.textContent('[data-testid=result]'), /rotate to 1 cell \d+: rejected HEXD_NO_STRUCTURE: .+/)
  })

  t.same(errors, [], 'no console errors')
})
