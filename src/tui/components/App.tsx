/**
 * The whole TUI screen: status line, map + side panels (or an overlay), message
 * line. Sizes follow the terminal (resize included) and the frame is always
 * one line shorter than the terminal, because ink clears and redraws the whole
 * screen when a frame is as tall as it.
 *
 * Keys go through the key table (keys.ts) to the pure controller
 * (controller.ts); actions it returns are sent through `sink`, and a rejected
 * action's reason is shown in the message line.
 */
import React, { useEffect, useMemo, useRef, useState, useSyncExternalStore } from 'react'
import { Box, Text, useApp, useInput, useStdout } from 'ink'
import type { ActionInput, ActionSink, Geo } from '../types.ts'
import type { GameModel } from '../model.ts'
import { buildLocalView, type LocalView } from '../layout.ts'
import { commandFor } from '../keys.ts'
import { applyCommand, initialUi, type UiState } from '../controller.ts'
import { MapView } from './MapView.tsx'
import { SidePanels } from './Panels.tsx'
import { MessageLine, StatusLine } from './StatusLine.tsx'
import { HelpView, RecipePicker } from './Overlays.tsx'

export interface AppProps {
  model: GameModel
  geo: Geo
  sink: ActionSink
  /** Cell to centre on at start (the player's position). */
  start: number
  /** Fixed size (tests); otherwise the terminal's, following resizes. */
  width?: number
  height?: number
  /** Called when the map's centre or size changes, so the client can load the cells in view. */
  onView?: (view: LocalView) => void
  onQuit?: () => void
}

/** Terminal size, updated on resize. */
function useTerminalSize(fixedW?: number, fixedH?: number): [number, number] {
  const { stdout } = useStdout()
  const read = (): [number, number] => [fixedW ?? stdout.columns ?? 80, fixedH ?? (stdout as { rows?: number }).rows ?? 24]
  const [size, setSize] = useState(read)
  useEffect(() => {
    const onResize = () => setSize(read())
    stdout.on('resize', onResize)
    return () => { stdout.off('resize', onResize) }
  }, [stdout, fixedW, fixedH])
  return fixedW !== undefined && fixedH !== undefined ? [fixedW, fixedH] : size
}

/** Splits the terminal between the map and the side column. */
export function screenLayout(width: number, height: number) {
  const bodyH = Math.max(4, height - 3) // status + message lines, and one spare line so the frame < terminal height
  const sideW = width >= 110 ? 40 : width >= 60 ? Math.min(30, Math.floor(width * 0.38)) : 0
  const mapCols = Math.max(3, Math.floor((width - sideW - 2) / 2))
  return { bodyH, sideW, mapCols, mapRows: bodyH }
}

export function App({ model, geo, sink, start, width, height, onView, onQuit }: AppProps) {
  const version = useSyncExternalStore((fn) => model.subscribe(fn), () => model.version)
  const [w, h] = useTerminalSize(width, height)
  const { bodyH, sideW, mapCols, mapRows } = screenLayout(w, h)
  const [ui, setUi] = useState<UiState>(() => initialUi(start))
  const uiRef = useRef(ui)
  uiRef.current = ui
  const { exit } = useApp()

  // The client asks to recentre (a new player after a lost session): jump there.
  const homeN = model.home?.n ?? 0
  useEffect(() => {
    if (!model.home) return
    const next = { ...uiRef.current, centre: model.home.cell, cursor: model.home.cell, heading: undefined }
    uiRef.current = next
    setUi(next)
  }, [homeN])

  const view = useMemo(() => buildLocalView(geo, ui.centre, mapRows, mapCols, ui.heading), [geo, ui.centre, mapRows, mapCols, ui.heading])
  const viewRef = useRef(view)
  viewRef.current = view
  useEffect(() => { onView?.(view) }, [view, onView])

  const send = (action: ActionInput) => {
    model.say(`${action.type} cell ${action.cell}…`)
    sink.send(action).then(
      (res) => {
        if (res.ok) model.say(`${action.type} cell ${action.cell}: ok${res.tick !== undefined ? ` (tick ${res.tick})` : ''}`)
        else {
          model.say(`${action.type} rejected: ${res.reason}${res.code ? ` [${res.code}]` : ''}`, true)
          // The view walked ahead of a move the daemon refused: back to where we really are.
          const me = model.me
          if (action.type === 'move' && me) model.update({ home: { cell: me.position, n: (model.home?.n ?? 0) + 1 } })
        }
      },
      (err: Error) => model.say(`${action.type} failed: ${err.message}`, true),
    )
  }

  const dispatch = (input: string, key: Parameters<typeof commandFor>[1]) => {
    const cmd = commandFor(input, key)
    if (!cmd) return
    // The view may change between two keys of one burst (a walk): rebuild it for the next key.
    const view = uiRef.current.centre === viewRef.current.centre ? viewRef.current
      : buildLocalView(geo, uiRef.current.centre, mapRows, mapCols, uiRef.current.heading)
    viewRef.current = view
    const out = applyCommand(uiRef.current, cmd, { view, model, geo })
    uiRef.current = out.state
    setUi(out.state)
    if (out.notice) model.say(out.notice)
    if (out.action) send(out.action)
    if (out.state.quit) { onQuit?.(); exit() }
  }

  useInput((input, key) => {
    // Keys typed faster than a frame (or sent by tmux) arrive as one string: one command each.
    const plain = !key.ctrl && !key.meta && !key.upArrow && !key.downArrow && !key.leftArrow && !key.rightArrow && !key.return && !key.tab && !key.escape
    if (plain && input.length > 1) for (const ch of input) dispatch(ch, { tab: ch === '\t', return: ch === '\r' })
    else dispatch(input, key)
  })

  let body: React.ReactNode
  if (ui.mode === 'help') body = <HelpView width={w} height={bodyH} />
  else if (ui.mode === 'recipes') body = <RecipePicker model={model} ui={ui} width={w} height={bodyH} version={version} />
  else {
    // Keep the cursor on screen: if it scrolled out (after a walk), the centre is used.
    const cursor = view.where(ui.cursor) ? ui.cursor : ui.centre
    body = (
      <Box flexDirection="row" height={bodyH}>
        <MapView view={view} model={model} geo={geo} cursor={cursor} version={version} />
        {sideW > 0 ? <SidePanels model={model} geo={geo} ui={{ ...ui, cursor }} width={sideW} height={bodyH} version={version} /> : null}
      </Box>
    )
  }
  return (
    <Box flexDirection="column" width={w} height={h - 1}>
      <StatusLine model={model} width={w} version={version} />
      {body}
      <MessageLine model={model} width={w} version={version} />
    </Box>
  )
}
