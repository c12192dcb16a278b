/**
 * The viewer's UI: the 3D scene filling the page, and panels over it — status
 * (connection, player, tick, UPS, frames per second, cells drawn), inventory
 * (from `player:<id>`), the hovered cell, the last action's result, and the tool
 * bar that decides what a click on a cell sends (claim, move, remove, place a
 * structure facing a direction).
 *
 * @example
 * createRoot(el).render(<App client={client} />)
 */
import { useEffect, useRef, useState, useSyncExternalStore } from 'react'
import { PROTOTYPES, TERRAIN_NAMES, RES_NAMES } from '../../src/engine/content.ts'
import type { ActionRecord, ViewerClient } from './client.ts'
import { exposeTestHook } from './hook.ts'
import { HexScene, type SceneOptions } from './scene.ts'
import { RecipeMenu } from './RecipeMenu.tsx'
import { carriedLine } from './carried.ts'
import { cellRecipe, recipeChoices } from './recipes.ts'
import { TOOLS, sameTool, toolClick, type Tool } from './tools.ts'

function useClientVersion(client: ViewerClient): number {
  const version = useRef(0)
  return useSyncExternalStore(
    (notify) => client.onChange(() => { version.current++; notify() }),
    () => version.current,
  )
}

function ResultLine({ rec }: { rec: ActionRecord | null }) {
  if (!rec) return <span>no action yet</span>
  const a = rec.action
  const what = `${a.type}${a.type === 'place' ? ` ${a.proto}` : a.type === 'set_recipe' ? ` ${a.recipe}` : a.type === 'rotate' ? ` to ${a.dir}${a.input !== undefined ? ` input ${a.input}` : ''}` : ''} cell ${a.cell}`
  if (!rec.result) return <span className="wait">{what}: waiting for the server…</span>
  if (rec.result.ok) return <span className="ok">{what}: applied at tick {rec.result.tick}</span>
  return <span className="bad">{what}: rejected {rec.result.code}: {rec.result.reason}</span>
}

export function App({ client, options = {} }: { client: ViewerClient; options?: SceneOptions }) {
  useClientVersion(client)
  const host = useRef<HTMLDivElement>(null)
  const [scene, setScene] = useState<HexScene | null>(null)
  const [tool, setTool] = useState<Tool>({ kind: 'claim' })
  const [dir, setDir] = useState(0)
  const [fps, setFps] = useState(0)
  const [menuCell, setMenuCell] = useState<number | null>(null)
  const [, setHoverTick] = useState(0)
  // Per machine or storage prototype, the recipe (filter) it is placed with ('' none).
  const [placeRecipe, setPlaceRecipe] = useState<Record<string, string>>({})
  const placing = tool.kind === 'place' ? PROTOTYPES.find((x) => x.name === tool.proto) : undefined
  const choices = placing ? recipeChoices(placing.id) : []
  const effective: Tool = tool.kind === 'place' && placeRecipe[tool.proto] ? { ...tool, recipe: placeRecipe[tool.proto] } : tool
  const toolRef = useRef({ tool: effective, dir })
  toolRef.current = { tool: effective, dir }

  useEffect(() => {
    // A click on the globe outside the watched chunks only means something to the watch tool.
    const click = (cell: number, drawn: boolean): void => {
      if (!drawn && toolRef.current.tool.kind !== 'watch') return
      const e = toolClick(toolRef.current.tool, cell, toolRef.current.dir, client.buffer.view(cell), client.joined?.size ?? 0, client.extra)
      if (e.kind === 'act') client.act(e.action)
      else if (e.kind === 'menu') setMenuCell(cell)
      else if (e.on) client.watch(e.chunk)
      else client.unwatch(e.chunk)
    }
    const s = new HexScene(host.current!, client, click, () => setHoverTick((n) => n + 1), options)
    s.start()
    setScene(s)
    const unhook = exposeTestHook(client, s)
    let frames = s.frames, at = performance.now()
    const timer = setInterval(() => {
      const now = performance.now()
      setFps(Math.round(((s.frames - frames) * 1000) / (now - at)))
      frames = s.frames; at = now
    }, 1000)
    return () => { clearInterval(timer); unhook(); s.dispose() }
  }, [client])

  const p = client.player
  const hover = scene?.hover ?? null
  const hc = hover !== null ? client.buffer.view(hover) : undefined
  const inventory = Object.entries(client.inventory()).filter(([, n]) => n > 0)

  return (
    <>
      <div id="scene" ref={host} />
      <div className="panel hud" data-testid="hud">
        <dl>
          <dt>connection</dt><dd className={`status-${client.status}`} data-testid="status">{client.status}{client.error ? ` (${client.error})` : ''}</dd>
          <dt>player</dt><dd data-testid="player">{p ? `${p.name} #${p.index ?? '?'} at cell ${p.cell}` : '—'}</dd>
          <dt>tick</dt><dd data-testid="tick">{client.buffer.tick}</dd>
          <dt>UPS</dt><dd>{client.clock ? client.clock.ups().toFixed(1) : '—'}{client.joined ? ` (server: ${Number(client.joined.ups).toFixed(1)} at join)` : ''}</dd>
          <dt>FPS</dt><dd title="frames drawn per second: only when something changed, else 4 per second">{fps}{scene && !scene.antialias ? ' (no antialiasing: software WebGL)' : ''}</dd>
          <dt>cells</dt><dd>{scene?.cellsDrawn ?? 0} in {client.buffer.chunkIds().length} chunks{client.buffer.pending ? `, ${client.buffer.pending} pending` : ''}{client.extra.size ? ` (watching ${[...client.extra].join(', ')} too)` : ''}</dd>
          <dt>online</dt><dd>{client.online} player{client.online === 1 ? '' : 's'}</dd>
          <dt>hover</dt><dd data-testid="hover">{hc ? `cell ${hc.id}: ${TERRAIN_NAMES[hc.terrain ?? 0] ?? hc.terrain}${hc.res ? `, ${RES_NAMES[hc.res]} ${hc.amt ?? 0}` : ''}${hc.struct ? `, ${PROTOTYPES.find((x) => x.id === hc.struct)?.name ?? hc.struct} facing ${hc.dir ?? 0}` : ''}${hc.owner ? `, owner #${hc.owner}` : ''}` : '—'}</dd>
          {hc && cellRecipe(hc) ? <><dt>recipe</dt><dd data-testid="hover-recipe">{cellRecipe(hc)}</dd></> : null}
          {hc && carriedLine(hc) ? <><dt>holds</dt><dd data-testid="hover-carried">{carriedLine(hc)}</dd></> : null}
        </dl>
      </div>
      <div className="panel inv" data-testid="inventory">
        <h3>inventory</h3>
        {inventory.length ? inventory.map(([k, n]) => <div key={k}>{k}: {n}</div>) : <div>empty</div>}
      </div>
      <div className="panel result" data-testid="result"><ResultLine rec={client.lastResult} /></div>
      {menuCell !== null ? <RecipeMenu client={client} cell={menuCell} onClose={() => setMenuCell(null)} /> : null}
      <div className="panel tools" data-testid="tools">
        {TOOLS.map(([label, t]) => <button key={label} className={sameTool(t, tool) ? 'on' : ''} data-tool={label} onClick={() => setTool(t)}>{label}</button>)}
        {choices.length ? (
          <select data-tool="place-recipe" title="the recipe (or storage filter) placed machines start with" value={placeRecipe[placing!.name] ?? ''}
            onChange={(e) => { const proto = placing!.name, v = e.target.value; setPlaceRecipe((r) => ({ ...r, [proto]: v })) }}>
            <option value="">no recipe</option>
            {choices.map((c) => <option key={c.name} value={c.name}>{c.name}: {c.label}</option>)}
          </select>
        ) : null}
        <button data-tool="dir" title="direction of placed structures (0..5)" onClick={() => setDir((d) => (d + 1) % 6)}>dir {dir}</button>
        <button data-tool="centre" onClick={() => scene?.centre()}>centre</button>
        <button data-tool="new-player" title="forget this player and start a new one" onClick={() => { const u = new URL(location.href); u.searchParams.set('new', ''); location.href = u.toString() }}>new player</button>
      </div>
    </>
  )
}
