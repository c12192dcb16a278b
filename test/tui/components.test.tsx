// The ink components on hand-built view-model states: map rendering within the
// terminal, key handling, help listing every key, rejected actions' reasons.
import t from 'tap'
import React from 'react'
import { render } from 'ink-testing-library'
import { App } from '../../src/tui/components/App.tsx'
import { GameModel } from '../../src/tui/model.ts'
import { sphereGeo } from '../../src/tui/geo.ts'
import { BINDINGS } from '../../src/tui/keys.ts'
import { screenStep, buildLocalView } from '../../src/tui/layout.ts'
import type { ActionInput, ActionResult, CellView } from '../../src/tui/types.ts'

const n = 64
const geo = sphereGeo(n)
const centre = 2 + 3 * n * n + 20 * n + 30

/** A world around `centre`: grass, a water patch, a conveyor, a smelter, two players. */
function makeModel(): GameModel {
  const m = new GameModel({ size: n, maxFps: 0 })
  const cells: CellView[] = []
  const seen = new Set<number>([centre])
  let ring = [centre]
  for (let r = 0; r < 30; r++) {
    const next: number[] = []
    for (const c of ring) for (const nb of geo.neighbors(c)) if (!seen.has(nb)) { seen.add(nb); next.push(nb) }
    ring = next
  }
  for (const id of seen) cells.push({ id, terrain: 'grass' })
  m.setCells(cells)
  return m
}

const east = (id: number, view = buildLocalView(geo, centre, 21, 25)) => {
  const [r, c] = view.where(id)!
  const [r2, c2] = screenStep(r, c, 0)
  return view.at(r2, c2)
}

/** Waits until the last frame satisfies `pred` (rendering is asynchronous). */
async function frameWhere(inst: ReturnType<typeof render>, pred: (f: string) => boolean, what: string): Promise<string> {
  for (let i = 0; i < 200; i++) {
    const f = inst.lastFrame() ?? ''
    if (pred(f)) return f
    await new Promise((r) => setTimeout(r, 10))
  }
  throw new Error(`frame never showed ${what}:\n${inst.lastFrame()}`)
}

class Recorder {
  sent: ActionInput[] = []
  constructor(private answer: (a: ActionInput) => ActionResult) {}
  send = async (a: ActionInput) => { this.sent.push(a); return this.answer(a) }
}

t.test('80x24: map, panels and status fit in fewer lines than the terminal', async (t) => {
  const m = makeModel()
  m.update({ players: [{ index: 1, id: 'p1', name: 'alice', position: centre, online: true }], meId: 'p1', structures: ['conveyor', 'smelter'], status: { tick: 42, ups: 20, latencyMs: 3, conn: 'online' } })
  const inst = render(<App model={m} geo={geo} sink={new Recorder(() => ({ ok: true }))} start={centre} width={80} height={24} />)
  const f = await frameWhere(inst, (f) => f.includes('tick 42'), 'the status line')
  const lines = f.split('\n')
  t.ok(lines.length < 24, `frame has ${lines.length} lines (< 24)`)
  t.ok(lines.every((l) => l.length <= 80), 'no line wider than 80')
  t.match(f, /20\.0 UPS/)
  t.match(f, /latency 3ms/)
  t.match(f, /online/)
  t.match(f, /\[@\]/, 'me under the cursor at the centre')
  t.match(f, new RegExp(`cell ${centre}`), 'selected-cell panel')
  t.match(f, /terrain\s+grass/)
  t.match(f, /build \[1\/2\] conveyor/)
  inst.unmount()
})

t.test('cells draw by terrain, resource, machine (arrow pointing to its neighbour) and owner', async (t) => {
  const m = makeModel()
  const e = east(centre)
  const dirToEast = geo.neighbors(centre).indexOf(e)
  const w = geo.neighbors(centre).find((x) => x !== e)!
  m.patchCells([{ id: centre, structure: 'conveyor', dir: dirToEast }, { id: e, terrain: 'water' }, { id: w, resource: 'coal', amount: 9 }])
  const inst = render(<App model={m} geo={geo} sink={new Recorder(() => ({ ok: true }))} start={centre} width={80} height={24} />)
  const f = await frameWhere(inst, (f) => f.includes('→'), 'a conveyor arrow')
  t.match(f, /\[→\]~/, 'conveyor at the cursor points east, to the water cell')
  t.match(f, /c/, 'coal drawn')
  t.match(f, /machine\s+conveyor/)
  inst.unmount()
})

t.test('keys: cursor moves, walking sends move, place sends the chosen structure', async (t) => {
  const m = makeModel()
  m.update({ structures: ['conveyor', 'smelter', 'storage'] })
  const rec = new Recorder(() => ({ ok: true, tick: 7 }))
  const inst = render(<App model={m} geo={geo} sink={rec} start={centre} width={80} height={24} />)
  await frameWhere(inst, (f) => f.includes(`cell ${centre}`), 'the start cell')
  const view = buildLocalView(geo, centre, 21, 25)
  const e = east(centre, view)
  inst.stdin.write('\u001B[C') // right arrow
  await frameWhere(inst, (f) => f.includes(`cell ${e}`), 'the cursor moved east')
  inst.stdin.write('2')
  await frameWhere(inst, (f) => f.includes('build [2/3] smelter'), 'the build choice')
  inst.stdin.write('R')
  inst.stdin.write(' ')
  await frameWhere(inst, (f) => f.includes('place cell') && f.includes('ok (tick 7)'), 'the accepted place')
  t.same(rec.sent.at(-1), { type: 'place', cell: e, proto: 'smelter', dir: 1 })
  inst.stdin.write('d')
  await frameWhere(inst, () => rec.sent.length === 2, 'a move')
  t.equal(rec.sent[1]!.type, 'move')
  t.ok(geo.neighbors(centre).includes(rec.sent[1]!.cell), 'walked one sphere step')
  inst.stdin.write('c')
  await frameWhere(inst, () => rec.sent.length === 3, 'a claim')
  t.same(rec.sent[2], { type: 'claim', cell: rec.sent[1]!.cell })
  inst.unmount()
})

t.test('a rejected action shows its reason; local refusals say why without sending', async (t) => {
  const m = makeModel()
  m.update({ structures: ['conveyor'] })
  const rec = new Recorder(() => ({ ok: false, code: 'HEXD_NOT_OWNER', reason: 'cell is owned by bob' }))
  const inst = render(<App model={m} geo={geo} sink={rec} start={centre} width={80} height={24} />)
  await frameWhere(inst, (f) => f.includes(`cell ${centre}`), 'the start')
  inst.stdin.write('p')
  const f = await frameWhere(inst, (f) => f.includes('rejected'), 'the rejection')
  t.match(f, /place rejected: cell is owned by bob \[HEXD_NOT_OWNER\]/)
  inst.stdin.write('x')
  await frameWhere(inst, (f) => f.includes('nothing to remove here'), 'the local refusal')
  t.equal(rec.sent.length, 1, 'remove on an empty cell sent nothing')
  inst.unmount()
  // A refused move puts the view back on the player.
  m.update({ players: [{ index: 1, id: 'p1', name: 'alice', position: centre, online: true }], meId: 'p1' })
  const again = render(<App model={m} geo={geo} sink={rec} start={centre} width={80} height={24} />)
  await frameWhere(again, (f) => f.includes(`cell ${centre}`), 'the start')
  again.stdin.write('D')
  await frameWhere(again, (f) => f.includes('move rejected'), 'the refused move')
  await frameWhere(again, (f) => f.includes(`cell ${centre}`) && /\[@\]/.test(f), 'the view back on the player')
  t.pass('view snapped back after a refused move')
  again.unmount()
})

t.test('? lists every key of the key table; Esc closes it', async (t) => {
  const m = makeModel()
  const inst = render(<App model={m} geo={geo} sink={new Recorder(() => ({ ok: true }))} start={centre} width={100} height={40} />)
  await frameWhere(inst, (f) => f.includes(`cell ${centre}`), 'the start')
  inst.stdin.write('?')
  const f = await frameWhere(inst, (f) => f.includes('keys (? or Esc closes)'), 'the help')
  for (const b of BINDINGS.filter((b) => b.keys)) t.ok(f.includes(b.keys) && f.includes(b.help), `help lists ${b.keys}`)
  t.ok(f.split('\n').length < 40, 'help fits')
  inst.stdin.write('\u001B')
  await frameWhere(inst, (f) => !f.includes('keys (? or Esc closes)'), 'help closed')
  inst.unmount()
  // At 80×24 the help goes to two columns and still lists every key, within the screen.
  const small = render(<App model={m} geo={geo} sink={new Recorder(() => ({ ok: true }))} start={centre} width={80} height={24} />)
  await frameWhere(small, (f) => f.includes(`cell ${centre}`), 'the start')
  small.stdin.write('?')
  const fs = await frameWhere(small, (f) => f.includes('keys (? or Esc closes)'), 'the help at 80x24')
  for (const b of BINDINGS.filter((b) => b.keys)) t.ok(fs.includes(b.keys + ' ') && fs.includes(b.help), `80x24 help lists ${b.keys}: ${b.help}`)
  t.ok(fs.split('\n').length < 24, 'help fits in 80x24')
  small.unmount()
})

t.test('recipe picker: e on a machine, move, Enter sends set_recipe', async (t) => {
  const m = makeModel()
  m.patchCells([{ id: centre, structure: 'smelter', dir: 0, recipe: 'iron_plate' }])
  m.update({ recipes: [
    { name: 'iron_plate', machine: 'smelter', inputs: { iron_ore: 1 }, outputs: { iron_plate: 1 } },
    { name: 'copper_plate', machine: 'smelter', inputs: { copper_ore: 1 }, outputs: { copper_plate: 1 } },
    { name: 'gear', machine: 'assembler', inputs: { iron_plate: 2 }, outputs: { gear: 1 } },
  ] })
  const rec = new Recorder(() => ({ ok: true }))
  const inst = render(<App model={m} geo={geo} sink={rec} start={centre} width={80} height={24} />)
  await frameWhere(inst, (f) => f.includes(`cell ${centre}`), 'the start')
  inst.stdin.write('e')
  const f = await frameWhere(inst, (f) => f.includes('recipe for the smelter'), 'the picker')
  t.match(f, /> iron_plate.*\(current\)/)
  t.notMatch(f, /gear/, 'only the smelter\'s recipes')
  inst.stdin.write('j')
  await frameWhere(inst, (f) => /> copper_plate/.test(f), 'the highlight moved')
  inst.stdin.write('\r')
  await frameWhere(inst, () => rec.sent.length === 1, 'the action')
  t.same(rec.sent[0], { type: 'set_recipe', cell: centre, recipe: 'copper_plate' })
  inst.unmount()
})

t.test('storage filter picker scrolls in a short terminal', async (t) => {
  const m = makeModel()
  m.patchCells([{ id: centre, structure: 'storage', dir: 0 }])
  m.update({ recipes: Array.from({ length: 30 }, (_, i) => ({ name: `item${i}`, machine: 'storage', inputs: {}, outputs: { [`item${i}`]: 1 } })) })
  const rec = new Recorder(() => ({ ok: true }))
  const inst = render(<App model={m} geo={geo} sink={rec} start={centre} width={80} height={16} />)
  await frameWhere(inst, (f) => f.includes(`cell ${centre}`), 'the start')
  inst.stdin.write('e')
  await frameWhere(inst, (f) => f.includes('filter item for the storage'), 'the picker')
  for (let i = 0; i < 20; i++) inst.stdin.write('j')
  const f = await frameWhere(inst, (f) => /> item20:/.test(f), 'the 21st item highlighted and visible')
  t.ok(f.split('\n').length < 16, 'still shorter than the terminal')
  inst.stdin.write('\r')
  await frameWhere(inst, () => rec.sent.length === 1, 'the action')
  t.same(rec.sent[0], { type: 'set_recipe', cell: centre, recipe: 'item20' })
  inst.unmount()
})

t.test('resizing: a bigger terminal shows a bigger map, still shorter than the screen', async (t) => {
  const m = makeModel()
  const small = render(<App model={m} geo={geo} sink={new Recorder(() => ({ ok: true }))} start={centre} width={80} height={24} />)
  const big = render(<App model={m} geo={geo} sink={new Recorder(() => ({ ok: true }))} start={centre} width={140} height={50} />)
  const fs = await frameWhere(small, (f) => f.includes('tick'), 'small')
  const fb = await frameWhere(big, (f) => f.includes('tick'), 'big')
  const count = (f: string) => (f.match(/\./g) ?? []).length
  t.ok(count(fb) > count(fs) * 2, 'more cells on the big screen')
  t.ok(fb.split('\n').length < 50)
  t.ok(fb.split('\n').every((l) => l.length <= 140))
  small.unmount(); big.unmount()
})

t.test('status line follows the connection state; players panel lists who is online', async (t) => {
  const m = makeModel()
  m.update({ players: [{ index: 1, id: 'a', name: 'alice', position: centre, online: true }, { index: 2, id: 'b', name: 'bob', position: centre + 1, online: false }], meId: 'a' })
  const inst = render(<App model={m} geo={geo} sink={new Recorder(() => ({ ok: true }))} start={centre} width={80} height={24} />)
  await frameWhere(inst, (f) => f.includes('connecting'), 'connecting')
  m.update({ status: { conn: 'reconnecting' } })
  await frameWhere(inst, (f) => f.includes('reconnecting'), 'reconnecting')
  inst.stdin.write('\t'); inst.stdin.write('\t'); inst.stdin.write('\t')
  const f = await frameWhere(inst, (f) => f.includes('players (Tab)'), 'players panel')
  t.match(f, /● alice \(you\)/)
  t.match(f, /○ bob/)
  inst.unmount()
})

t.test('rotate turns the structure one neighbour on; production lists machines nearby', async (t) => {
  const m = makeModel()
  m.patchCells([{ id: centre, structure: 'smelter', dir: 5, recipe: 'iron_plate', progress: 3 }])
  m.update({ production: { iron_plate: 12 } })
  const rec = new Recorder(() => ({ ok: true }))
  const inst = render(<App model={m} geo={geo} sink={rec} start={centre} width={80} height={24} />)
  await frameWhere(inst, (f) => f.includes(`cell ${centre}`), 'the start')
  inst.stdin.write('r')
  await frameWhere(inst, () => rec.sent.length === 1, 'the rotate')
  t.same(rec.sent[0], { type: 'rotate', cell: centre, dir: 0 }, 'dir 5 → 0 (wraps round 6 neighbours)')
  inst.stdin.write('\t'); inst.stdin.write('\t')
  const f = await frameWhere(inst, (f) => f.includes('production (Tab)'), 'the production panel')
  t.match(f, /iron_plate\s+12/)
  t.match(f, /smelter ×1, 1 busy/)
  t.match(f, /│\s+iron_plate\s/)
  inst.unmount()
})

t.test('keys arriving in one burst (fast typing, tmux send-keys) each count', async (t) => {
  const m = makeModel()
  const inst = render(<App model={m} geo={geo} sink={new Recorder(() => ({ ok: true }))} start={centre} width={80} height={24} />)
  await frameWhere(inst, (f) => f.includes(`cell ${centre}`), 'the start')
  const view = buildLocalView(geo, centre, 21, 25)
  const three = east(east(east(centre, view), view), view)
  inst.stdin.write('lll')
  await frameWhere(inst, (f) => f.includes(`cell ${three}`), 'the cursor three cells east')
  t.pass('three moves from one chunk of input')
  inst.stdin.write('\t\t')
  await frameWhere(inst, (f) => f.includes('production (Tab)'), 'two panels on')
  t.pass('two tabs from one chunk of input')
  inst.unmount()
})
