/**
 * The side panels: selected cell, build choice, and one switchable panel
 * (inventory, recipes, production, players online). Each panel has a fixed
 * height so the frame never grows past the terminal and never jumps.
 */
import React from 'react'
import { Box, Text } from 'ink'
import type { GameModel } from '../model.ts'
import type { Geo } from '../types.ts'
import type { Panel, UiState } from '../controller.ts'

const clip = (s: string, w: number) => (s.length > w ? s.slice(0, Math.max(0, w - 1)) + '…' : s)

/** Lines of the selected-cell panel (exported for tests). */
export function cellLines(model: GameModel, geo: Geo, id: number): string[] {
  const cell = model.cells.get(id)
  const lines = [`cell ${id}${geo.isPentagon(id) ? ' (pentagon)' : ''}`]
  if (!cell) return [...lines, 'not loaded yet']
  lines.push(`terrain  ${cell.terrain}`)
  if (cell.resource) lines.push(`resource ${cell.resource} ×${cell.amount ?? 0}`)
  if (cell.structure) lines.push(`machine  ${cell.structure}${cell.dir !== undefined ? ` dir ${cell.dir}` : ''}`)
  if (cell.recipe) lines.push(`${cell.structure === 'storage' ? 'filter ' : 'recipe '}  ${cell.recipe}${cell.progress ? ` (${cell.progress})` : ''}`)
  if (cell.item) lines.push(`item     ${cell.item}${cell.count && cell.count > 1 ? ` ×${cell.count}` : ''}`)
  if (cell.stock) lines.push(`stock    ${cell.stock}`)
  if (cell.power) lines.push(`power    ${cell.power}`)
  lines.push(`owner    ${model.ownerName(cell.owner) ?? '—'}`)
  const here = model.players.filter((p) => p.online && p.position === id).map((p) => p.name)
  if (here.length) lines.push(`players  ${here.join(', ')}`)
  return lines
}

/** Lines of the switchable panel (exported for tests). */
export function panelLines(model: GameModel, panel: Panel): string[] {
  switch (panel) {
    case 'inventory': {
      const items = Object.entries(model.inventory).filter(([, n]) => n > 0).sort(([a], [b]) => (a < b ? -1 : 1))
      return items.length ? items.map(([k, n]) => `${k.padEnd(14)} ${n}`) : ['(empty)']
    }
    case 'recipes': {
      // Storage "recipes" are just its filter items: not worth a line each here.
      const list = model.recipes.filter((r) => r.machine !== 'storage')
      return list.length ? list.map((r) => `${r.name}: ${fmtItems(r.inputs)} → ${fmtItems(r.outputs)} [${r.machine}]`) : ['(none known yet)']
    }
    case 'production': {
      const items = Object.entries(model.production).sort(([a], [b]) => (a < b ? -1 : 1))
      const made = items.length ? ['made (world):', ...items.map(([k, n]) => ` ${k.padEnd(13)} ${n}`)] : []
      const mineItems = Object.entries(model.myProduction).sort(([a], [b]) => (a < b ? -1 : 1))
      const mine = mineItems.length ? ['made by you:', ...mineItems.map(([k, n]) => ` ${k.padEnd(13)} ${n}`)] : []
      const acts = model.myActions ? [`your actions: ${model.myActions.accepted} ok, ${model.myActions.rejected} rejected`] : []
      return [...acts, ...made, ...mine, ...machinesNearby(model)]
    }
    case 'players':
      return model.players.length
        ? model.players.map((p) => `${p.online ? '●' : '○'} ${p.name}${p.id === model.meId ? ' (you)' : ''} @${p.position}`)
        : ['(nobody)']
  }
}

/**
 * Machines in the loaded area by kind: how many, how many working (progress
 * under way or powered), and the recipes they run. Computed from the cells the
 * client holds, so it is live with every diff.
 */
export function machinesNearby(model: GameModel): string[] {
  const kinds = new Map<string, { n: number; busy: number; recipes: Map<string, number> }>()
  for (const c of model.cells.values()) {
    if (!c.structure) continue
    const k = kinds.get(c.structure) ?? { n: 0, busy: 0, recipes: new Map() }
    k.n++
    if (c.progress || c.item) k.busy++
    if (c.recipe) k.recipes.set(c.recipe, (k.recipes.get(c.recipe) ?? 0) + 1)
    kinds.set(c.structure, k)
  }
  if (kinds.size === 0) return ['no machines nearby']
  const lines = ['machines nearby:']
  for (const [name, k] of [...kinds].sort(([a], [b]) => (a < b ? -1 : 1))) {
    lines.push(` ${name} ×${k.n}, ${k.busy} busy`)
    const rec = [...k.recipes].map(([r, n]) => (n > 1 ? `${n}×${r}` : r)).join(' ')
    if (rec) lines.push(`   ${rec}`)
  }
  return lines
}

function fmtItems(items: Record<string, number>): string {
  const e = Object.entries(items)
  return e.length ? e.map(([k, n]) => (n === 1 ? k : `${n} ${k}`)).join('+') : '∅'
}

export interface SidePanelsProps {
  model: GameModel
  geo: Geo
  ui: UiState
  width: number
  height: number
  version: number
}

/** The right-hand column: cell panel, build line, and the chosen panel. */
export function SidePanels({ model, geo, ui, width, height }: SidePanelsProps) {
  const inner = width - 2
  const cell = cellLines(model, geo, ui.cursor).slice(0, 8)
  const kind = model.structures[ui.build]
  const build = kind
    ? `build [${ui.build + 1}/${model.structures.length}] ${kind} dir ${ui.dir}`
    : 'build: (no structures known)'
  const cellBox = cell.length + 2
  const restH = Math.max(3, height - cellBox - 1)
  const title = `${ui.panel} (Tab)`
  const rest = panelLines(model, ui.panel).slice(0, restH - 3)
  return (
    <Box flexDirection="column" width={width} height={height} flexShrink={0}>
      <Box flexDirection="column" borderStyle="round" borderColor="gray" height={cellBox} paddingX={0}>
        {cell.map((l, i) => <Text key={i} wrap="truncate" bold={i === 0}>{clip(l, inner)}</Text>)}
      </Box>
      <Text wrap="truncate" color="cyan">{clip(build, width)}</Text>
      <Box flexDirection="column" borderStyle="round" borderColor="gray" height={restH}>
        <Text bold wrap="truncate">{clip(title, inner)}</Text>
        {rest.map((l, i) => <Text key={i} wrap="truncate">{clip(l, inner)}</Text>)}
      </Box>
    </Box>
  )
}
