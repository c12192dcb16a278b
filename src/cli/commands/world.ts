/**
 * `hexd world info|dump|cell`: the hex-sphere geometry from the outside.
 * `info` prints counts for a size; `dump` prints every cell with its unit
 * vector and neighbours (sizes up to 64), so anyone can check the geometry
 * independently; `cell` describes one cell, by id or nearest to a lat/lon.
 *
 * @example
 * hexd world info --size 64 --json
 * hexd world dump --size 2 --json
 * hexd world cell --size 1000 --lat 48.85 --lon 2.35 --json
 */
import type { Command } from 'commander'
import { HexdError } from '../../errors.ts'
import { intOption } from '../options.ts'

/** Largest size `world dump` accepts (10·64²+2 = 40962 cells). */
export const DUMP_MAX_SIZE = 64

export function register(program: Command): void {
  const world = program.command('world').description('hex-sphere geometry: counts, one cell, a full cell dump')
  world
    .command('info')
    .description('counts of cells, pentagons, hexagons and chunks for a world size')
    .requiredOption('--size <n>', 'frequency n (1..16777216): the world has 10n²+2 cells', intOption('size', 1, 2 ** 24))
    .option('--json', 'print one JSON document')
    .action(async (opts: { size: number; json?: boolean }) => {
      const { worldInfo } = await import('../../engine/world-info.ts')
      const info = worldInfo(opts.size)
      if (opts.json) {
        process.stdout.write(JSON.stringify(info) + '\n')
      } else {
        process.stdout.write(
          `size ${info.size}: ${info.cells} cells (${info.pentagons} pentagons, ${info.hexagons} hexagons), ` +
            `${info.chunks} chunks (${info.chunksPerSide}×${info.chunksPerSide} per diamond of ${info.chunkSize}×${info.chunkSize} cells, plus 2 pole chunks)\n`,
        )
      }
    })
  world
    .command('dump')
    .description(`every cell with its unit vector and neighbours (size <= ${DUMP_MAX_SIZE})`)
    .requiredOption('--size <n>', `frequency n (1..${DUMP_MAX_SIZE})`, intOption('size', 1, 2 ** 24))
    .option('--json', 'print a JSON array of {id, xyz, neighbors}')
    .action(async (opts: { size: number; json?: boolean }) => {
      if (opts.size > DUMP_MAX_SIZE) {
        throw new HexdError('HEXD_BAD_OPTION', `world dump: --size must be at most ${DUMP_MAX_SIZE} (the dump lists every cell), got ${opts.size}; use "hexd world info" for larger sizes`, { field: 'size' })
      }
      const { dumpCells } = await import('../../engine/world-info.ts')
      const out = process.stdout
      // A reader that stops early (`| head`) is not an error.
      out.on('error', (err: NodeJS.ErrnoException) => { if (err.code === 'EPIPE') process.exit(0); throw err })
      let batch = opts.json ? '[' : ''
      let first = true
      for (const cell of dumpCells(opts.size)) {
        batch += opts.json ? (first ? '\n' : ',\n') + JSON.stringify(cell) : `${cell.id} ${cell.xyz.join(' ')} : ${cell.neighbors.join(' ')}\n`
        first = false
        // Write in ~64 KiB batches and honour back-pressure.
        if (batch.length > 65536) {
          if (!out.write(batch)) await new Promise((resolve) => out.once('drain', resolve))
          batch = ''
        }
      }
      out.write(batch + (opts.json ? '\n]\n' : ''))
    })
  world
    .command('cell')
    .description('one cell: by --id, or the cell nearest to --lat/--lon (degrees); its lattice, position, chunk, neighbours')
    .requiredOption('--size <n>', 'frequency n (1..16777216)', intOption('size', 1, 2 ** 24))
    .option('--id <id>', 'cell id (0 = north pole, 1 = south pole)', intOption('id', 0, Number.MAX_SAFE_INTEGER))
    .option('--lat <deg>', 'latitude in degrees (−90..90), with --lon', numberOption('lat', -90, 90))
    .option('--lon <deg>', 'longitude in degrees (−180..180), with --lat', numberOption('lon', -180, 180))
    .option('--json', 'print one JSON document')
    .action(async (opts: { size: number; id?: number; lat?: number; lon?: number; json?: boolean }) => {
      const byId = opts.id !== undefined
      const byLatLon = opts.lat !== undefined || opts.lon !== undefined
      if (byId === byLatLon || (byLatLon && (opts.lat === undefined || opts.lon === undefined))) {
        throw new HexdError('HEXD_BAD_OPTION', 'world cell: give either --id, or both --lat and --lon', { field: byId ? 'id' : 'lat' })
      }
      const { cellReport } = await import('../../engine/world-info.ts')
      const cells = 10 * opts.size * opts.size + 2
      if (byId && opts.id! >= cells) {
        throw new HexdError('HEXD_BAD_OPTION', `--id must be an integer from 0 to ${cells - 1} for size ${opts.size}, got ${opts.id}`, { field: 'id' })
      }
      const r = cellReport(opts.size, byId ? { id: opts.id! } : { lat: opts.lat!, lon: opts.lon! })
      if (opts.json) {
        process.stdout.write(JSON.stringify(r) + '\n')
      } else {
        const where = r.pole ? `${r.pole === 'N' ? 'north' : 'south'} pole` : `diamond ${r.diamond} (a ${r.a}, b ${r.b})`
        process.stdout.write(
          `cell ${r.id} of size ${r.size}: ${where}, ${r.pentagon ? 'pentagon' : 'hexagon'}\n` +
            `  lat ${r.lat.toFixed(6)} lon ${r.lon.toFixed(6)}  xyz ${r.xyz.join(' ')}\n` +
            `  chunk ${r.chunk} at (${r.local.join(', ')})\n  neighbours ${r.neighbors.join(' ')}\n`,
        )
      }
    })
}

/** A commander argParser for a finite number in [min, max]. */
function numberOption(name: string, min: number, max: number): (value: string) => number {
  return (value: string) => {
    const v = Number(value)
    if (value.trim() === '' || !Number.isFinite(v) || v < min || v > max) {
      throw new HexdError('HEXD_BAD_OPTION', `--${name} must be a number from ${min} to ${max}, got ${JSON.stringify(value)}`, { field: name })
    }
    return v
  }
}
