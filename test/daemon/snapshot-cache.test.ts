// EngineGame.snapshot shares one view per chunk per tick, and never serves a stale one after a step.
import t from 'tap'
import { cellToChunk } from '../../src/engine/index.ts'
import { EngineGame } from '../../src/daemon/game.ts'
import { MemoryJournal } from '../../src/daemon/journal.ts'
import { Router } from '../../src/daemon/router.ts'
import { Outbox } from '../../src/net/outbox.ts'

async function tick(game: EngineGame, router: Router): Promise<void> {
  const batch = router.drain()
  const step = await game.step(batch.actions)
  await router.settle(batch, step.tick, step.results).answered
}

t.test('one view per chunk per tick, fresh after a step', async (t) => {
  const router = new Router(new MemoryJournal())
  const game = new EngineGame({ seed: 1, size: 16, router, durability: 'memory', ups: () => 20, targetUps: 20 })
  const joining = game.createPlayer('ann')
  await tick(game, router)
  const p = await joining
  const chunk = cellToChunk(16, p.cell).chunk
  const a = game.snapshot([chunk])
  const b = game.snapshot([chunk, chunk])
  t.equal(a.chunks[0], b.chunks[0], 'the same view object within a tick')
  t.equal(b.chunks[1], b.chunks[0])
  const before = a.chunks[0].cells.find((c) => c.id === p.cell) as { owner?: number }
  t.notOk(before.owner, 'the cell starts unowned')

  const { results } = game.submit({ sessionId: 's', playerId: p.id }, [{ type: 'claim', cell: p.cell }])
  await tick(game, router)
  t.match(await results, [{ ok: true }])
  const c = game.snapshot([chunk])
  t.not(c.chunks[0], a.chunks[0], 'a new view after the step')
  const after = c.chunks[0].cells.find((x) => x.id === p.cell) as { owner?: number }
  t.equal(after.owner, game.world.players.get(p.id)!.index, 'the claim is in the new snapshot')
  t.equal(c.tick, a.tick + 1)

  // Two outboxes sharing the view serialize it to the same text, and a replay gives the same bytes.
  const mk = () => new Outbox({ snapshot: (ids) => game.snapshot(ids), watched: () => [chunk] })
  const o1 = mk(), o2 = mk()
  o1.pushSnapshot(game.snapshot([chunk])); o2.pushSnapshot(game.snapshot([chunk]))
  const first = o1.read(0, 10, false).messages[0].json
  t.equal(first, o2.read(0, 10, false).messages[0].json)
  t.equal(o1.read(0, 10, false).messages[0].json, first, 'replay of a sent snapshot: identical text')
})
