// Parsing of the daemon's wire payloads into the TUI view-model, and the
// GameModel's frame-rate-capped notifications.
import t from 'tap'
import { cellsOf, productionOf, toCellView, toInventory, toPlayerView } from '../../src/tui/wire.ts'
import { GameModel } from '../../src/tui/model.ts'
import { endpoints } from '../../src/tui/client.ts'
import { gameContent } from '../../src/tui/content.ts'

t.test('cells: names kept, empty fields dropped, codes shown, bad ids skipped', async (t) => {
  t.same(toCellView({ id: 9, terrain: 'grass', resource: 'none', amount: 0, structure: '', owner: 0 }), { id: 9, terrain: 'grass' })
  t.same(toCellView({ id: 3, terrain: 'rock', resource: 'iron_ore', amount: 40, structure: 'extractor', dir: 2, recipe: '', owner: 4, item: 'iron_ore' }),
    { id: 3, terrain: 'rock', resource: 'iron_ore', amount: 40, structure: 'extractor', dir: 2, item: 'iron_ore', owner: 4 })
  t.same(toCellView({ id: 5, terrain: 70, structure: 120, dir: 1 }), { id: 5, terrain: '#70', structure: '#120', dir: 1 }, 'unknown codes shown as codes')
  // The engine's own field names and byte codes (src/engine/content.ts).
  t.same(toCellView({ id: 6, terrain: 5, res: 3, amt: 40, struct: 4, dir: 2, recipe: 7, item: 0, owner: 2 }),
    { id: 6, terrain: 'rock', resource: 'iron_ore', amount: 40, structure: 'smelter', dir: 2, recipe: 'motor', owner: 2 })
  t.same(toCellView({ id: 7, terrain: 2, struct: 6, recipe: 8 }), { id: 7, terrain: 'grass', structure: 'storage', dir: 0, recipe: 'gear' }, 'storage filter is an item; absent dir is 0')
  t.same(toCellView({ id: 8, terrain: 2, struct: 2, dir: 1, recipe: 4 }), { id: 8, terrain: 'grass', structure: 'conveyor', dir: 1 }, 'a conveyor\'s recipe plane is its input direction, not shown')
  t.equal(toCellView({ terrain: 'grass' }), undefined)
  const cells = cellsOf({ seq: 4, tick: 10, chunks: [{ id: 1, cells: [{ id: 1, terrain: 'water' }, null, { id: 'x' }] }, { id: 2 }, null] })
  t.same(cells, [{ id: 1, terrain: 'water' }])
})

t.test('players and inventories', async (t) => {
  t.same(toPlayerView({ id: 3, name: 'bob', cell: 77, online: false }, 9), { id: '3', index: 3, name: 'bob', position: 77, online: false })
  t.equal(toPlayerView({ name: 'x' }, 1), undefined)
  t.same(toInventory({ gear: 2, coal: 0, bad: 'x', motor: 1 }), { gear: 2, motor: 1 })
  t.same(toInventory([1, 2]), {})
})

t.test('endpoints from what the user types', async (t) => {
  t.same(endpoints('http://127.0.0.1:4000'), { http: 'http://127.0.0.1:4000', socket: 'ws://127.0.0.1:4000/socket' })
  t.same(endpoints('localhost:5000'), { http: 'http://localhost:5000', socket: 'ws://localhost:5000/socket' })
  t.same(endpoints('wss://example.org'), { http: 'https://example.org', socket: 'wss://example.org/socket' })
  t.throws(() => endpoints('http://'))
})

t.test('menus come from the engine content: every machine recipe has its machine', async (t) => {
  const { structures, recipes } = gameContent()
  t.ok(structures.includes('conveyor') && structures.includes('smelter'))
  for (const r of recipes) t.ok(structures.includes(r.machine), `${r.name} runs on ${r.machine}`)
  t.ok(recipes.some((r) => r.machine === 'assembler' && r.name === 'robot'))
})

t.test('the model notifies at most once per frame for a burst of changes', async (t) => {
  const m = new GameModel({ size: 8, maxFps: 20 })
  let calls = 0
  m.subscribe(() => { calls++ })
  for (let i = 0; i < 100; i++) m.setCells([{ id: i, terrain: 'grass' }])
  t.equal(calls, 0, 'nothing synchronously')
  await new Promise((r) => setTimeout(r, 120))
  t.equal(calls, 1, 'one notification carried all 100 changes')
  t.equal(m.cells.size, 100)
  t.equal(m.version, 100)
  m.close()
})

t.test('production figures from /api/stats', async (t) => {
  const stats = {
    tick: 90,
    players: { p1: { actions: { accepted: 5, rejected: 2, byType: {} }, items: { gear: { produced: 3 }, coal: { consumed: 4 } } } },
    items: { gear: { totals: { produced: 7 }, byPlayer: {} }, coal: { totals: { consumed: 4 }, byPlayer: {} }, wire: { totals: { produced: 0 } } },
  }
  t.same(productionOf(stats, 'p1'), { world: { gear: 7 }, mine: { gear: 3 }, actions: { accepted: 5, rejected: 2 } }, 'only produced items count')
  t.same(productionOf({}, undefined), { world: {}, mine: {}, actions: undefined })
})
