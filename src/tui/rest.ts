/**
 * What the TUI reads from the daemon's REST API every couple of seconds:
 * `/api/world` (tick, measured UPS, world production when reported),
 * `/api/players` (everyone's position and online state, our inventory) and
 * `/api/stats` (production statistics from the event-log analytics). Missing
 * routes or a daemon that is down give an empty update: the socket's state
 * already tells the user.
 *
 * @example
 * model.update(await pollRest('http://127.0.0.1:4000', model))
 */
import type { GameModel } from './model.ts'
import { productionOf, toInventory, toPlayerView } from './wire.ts'

type Update = Parameters<GameModel['update']>[0]

/** Fetches the three routes and returns the model update they make. */
export async function pollRest(http: string, model: GameModel): Promise<Update> {
  const get = (path: string) => fetch(`${http}${path}`).then((r) => (r.ok ? r.json() : undefined)).catch(() => undefined) as Promise<any>
  const [world, players, stats] = await Promise.all([get('/api/world'), get('/api/players'), get('/api/stats')])
  const part: Update = {}
  if (world) {
    part.status = { tick: Math.max(model.status.tick, world.tick ?? 0), ups: world.ups ?? model.status.ups }
    if (world.production && typeof world.production === 'object') part.production = toInventory(world.production)
  }
  if (stats && stats.items && typeof stats.items === 'object') {
    const made = productionOf(stats, model.meId)
    part.production = { ...made.world, ...(part.production ?? {}) }
    part.myProduction = made.mine
    part.myActions = made.actions
  }
  if (players && Array.isArray(players.players)) {
    const mine = players.players.find((x: any) => String(x.id) === model.meId)
    if (mine?.inventory) part.inventory = toInventory(mine.inventory)
    const old = new Map(model.players.map((x) => [x.id, x]))
    part.players = players.players
      .map((x: any, i: number) => toPlayerView(x, i + 1))
      .filter((x: unknown): x is NonNullable<ReturnType<typeof toPlayerView>> => !!x)
      .map((x: NonNullable<ReturnType<typeof toPlayerView>>) => ({ ...x, index: x.index || old.get(x.id)?.index || 0 }))
  }
  return part
}
