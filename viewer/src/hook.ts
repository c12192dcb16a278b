/**
 * A small read-only window into the running viewer for tests and curious users:
 * `window.__hexdViewer` (status, tick, cellsDrawn, player, lastResult, actions,
 * frames, and helpers that map cells to page coordinates and back). It changes
 * nothing; clicks in tests go through the real pointer events.
 *
 * @example
 * const { x, y } = window.__hexdViewer.screenOf(window.__hexdViewer.player.cell)
 */
import type { ViewerClient } from './client.ts'
import type { HexScene } from './scene.ts'

/** Installs the hook; returns a function that removes it. */
export function exposeTestHook(client: ViewerClient, scene: HexScene): () => void {
  const hook = {
    get status() { return client.status },
    get error() { return client.error },
    get playerTopic() { return client.playerTopic },
    get tick() { return client.buffer.tick },
    get lastSeq() { return client.buffer.lastSeq },
    get gaps() { return client.buffer.gaps },
    get duplicates() { return client.buffer.duplicates },
    get firstSeq() { return client.buffer.firstSeq },
    get cellsDrawn() { return scene.cellsDrawn },
    /** Cells held in the state buffer. */
    get held() { return client.buffer.size },
    get frames() { return scene.frames },
    get pending() { return client.buffer.pending },
    get player() { return client.player ? { ...client.player } : null },
    get size() { return client.joined?.size ?? 0 },
    /** The chunks held (drawn), in arrival order. */
    get chunks() { return client.buffer.chunkIds() },
    /** The chunks the server says are watched (last subscribe reply), or null. */
    get watched() { return client.watched ? [...client.watched] : null },
    /** How this page started: '' (new player), 'cells' or 'credentials' (resumed from localStorage). */
    get resumed() { return client.resumed },
    /** Chunks drawn in the mesh (each held chunk, once the mesh is rebuilt). */
    get chunksDrawn() { return scene.chunksDrawn },
    /** Structure models drawn, by prototype name (instances of each InstancedMesh). */
    get models() { return scene.models.counts() },
    /** The inventory shown: the server's record plus pending refunds (refunds.ts). */
    get inventory() { return { ...client.inventory() } },
    /** Refunds of actions sent and not yet in a player record. */
    get refundsPending() { return client.refunds.size },
    /** Markers drawn over structures, by layer (items, inputs, progress, power). */
    get overlays() { return scene.overlays.counts() },
    /** The key each overlay layer draws for a cell (0: none). */
    overlayAt: (id: number) => scene.overlays.at(id),
    /** Summed main-thread ms in frames and colour floats uploaded (viewer/measure-fps.mjs divides by frames). */
    get cost() { return { ...scene.cost } },
    /** Animation frames seen, drawn or not (frames counts those drawn). */
    get loops() { return scene.loops },
    get antialias() { return scene.antialias },
    get lastResult() { return client.lastResult ? structuredClone(client.lastResult) : null },
    get actions() { return structuredClone(client.actions) },
    /** The shown state of a cell (prediction included). */
    cell: (id: number) => { const c = client.buffer.view(id); return c ? { ...c } : null },
    /** The confirmed (server) state of a cell. */
    confirmed: (id: number) => { const c = client.buffer.cell(id); return c ? { ...c } : null },
    /** Every cell id held. */
    cellIds: () => client.buffer.cellIds(),
    /** Page point of a drawn cell (with anyCell: of any cell of the globe), or null. */
    screenOf: (id: number, anyCell = false) => scene.screenOf(id, anyCell),
    cellAt: (x: number, y: number, anyCell = false) => scene.cellAt(x, y, anyCell),
  }
  ;(window as unknown as { __hexdViewer?: typeof hook }).__hexdViewer = hook
  return () => { delete (window as unknown as { __hexdViewer?: typeof hook }).__hexdViewer }
}
