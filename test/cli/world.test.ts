// `hexd world info|dump|cell` run as a user would (spawning bin/hexd): the counts,
// the dumped geometry checked from the JSON alone (no engine imports), and
// bad input giving a clear message and exit code 64.
import t from 'tap'
import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'

const HEXD = fileURLToPath(new URL('../../bin/hexd', import.meta.url))

interface Run { code: number; stdout: string; stderr: string }

function hexd(...args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    // Run bin/hexd by its shebang, as a user would (under tap's NODE_OPTIONS too,
    // so the child reports coverage: bin/hexd has no static import for its hooks to break).
    execFile(HEXD, args, { maxBuffer: 64 << 20 }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : 1) : 0
      resolve({ code, stdout, stderr })
    })
  })
}

t.test('world info --json', async (t) => {
  const r = await hexd('world', 'info', '--size', '64', '--json')
  t.equal(r.code, 0, r.stderr)
  const info = JSON.parse(r.stdout)
  t.match(info, { size: 64, cells: 40962, pentagons: 12, hexagons: 40950, chunks: 12 })
  const big = JSON.parse((await hexd('world', 'info', '--size', '16777216', '--json')).stdout)
  t.match(big, { size: 16777216, cells: 2814749767106562, pentagons: 12, hexagons: 2814749767106550, chunks: 10 * 2 ** 36 + 2 })
  const text = await hexd('world', 'info', '--size', '3')
  t.equal(text.code, 0)
  t.match(text.stdout, /92 cells \(12 pentagons, 80 hexagons\)/)
})

t.test('world dump --json: the geometry checks out from the outside', async (t) => {
  for (const n of [1, 4]) {
    const r = await hexd('world', 'dump', '--size', String(n), '--json')
    t.equal(r.code, 0, r.stderr)
    const cells: Array<{ id: number; xyz: number[]; neighbors: number[] }> = JSON.parse(r.stdout)
    const C = 10 * n * n + 2
    t.equal(cells.length, C, `size ${n}: 10n²+2 cells`)
    t.same(cells.map((c) => c.id), [...Array(C).keys()], 'ids 0..C-1 in order')
    t.equal(cells.filter((c) => c.neighbors.length === 5).length, 12, '12 pentagons')
    t.ok(cells.every((c) => c.neighbors.length === 5 || c.neighbors.length === 6), 'the rest are hexagons')
    t.equal(cells.reduce((s, c) => s + c.neighbors.length, 0), 6 * C - 12, 'degree sum 6C-12')
    t.ok(cells.every((c) => c.neighbors.every((x) => cells[x].neighbors.includes(c.id))), 'symmetric')
    t.ok(cells.every((c) => Math.abs(Math.hypot(...c.xyz) - 1) < 1e-12), 'unit vectors')
    const d2 = (p: number[], q: number[]) => (p[0] - q[0]) ** 2 + (p[1] - q[1]) ** 2 + (p[2] - q[2]) ** 2
    const nearest = cells.every((c) => {
      const far = Math.max(...c.neighbors.map((x) => d2(c.xyz, cells[x].xyz)))
      return cells.every((o) => o.id === c.id || c.neighbors.includes(o.id) || d2(c.xyz, o.xyz) > far)
    })
    t.ok(nearest, 'every neighbour is nearer than every non-neighbour')
    const seen = new Set([0])
    const queue = [0]
    for (let q = 0; q < queue.length; q++) for (const x of cells[queue[q]].neighbors) if (!seen.has(x)) { seen.add(x); queue.push(x) }
    t.equal(seen.size, C, 'connected')
  }
  const text = await hexd('world', 'dump', '--size', '1')
  t.equal(text.stdout.trim().split('\n').length, 12, 'text dump: one line per cell')
})

t.test('world cell: by id and by lat/lon agree with the dump', async (t) => {
  const dump: Array<{ id: number; xyz: number[]; neighbors: number[] }> = JSON.parse((await hexd('world', 'dump', '--size', '5', '--json')).stdout)
  for (const id of [1, 77, 251]) {
    const r = await hexd('world', 'cell', '--size', '5', '--id', String(id), '--json')
    t.equal(r.code, 0, r.stderr)
    const cell = JSON.parse(r.stdout)
    t.same([cell.id, cell.xyz, cell.neighbors], [id, dump[id].xyz, dump[id].neighbors], `cell ${id} matches the dump`)
    // Looking the cell up by its own lat/lon finds it again.
    const back = JSON.parse((await hexd('world', 'cell', '--size', '5', '--lat', String(cell.lat), '--lon', String(cell.lon), '--json')).stdout)
    t.equal(back.id, id, `lat/lon of cell ${id} resolves to it`)
  }
  const pole = JSON.parse((await hexd('world', 'cell', '--size', '16777216', '--lat', '90', '--lon', '0', '--json')).stdout)
  t.match(pole, { id: 0, pole: 'N', pentagon: true, chunk: 10 * 2 ** 36 })
  const text = await hexd('world', 'cell', '--size', '3', '--id', '2')
  t.match(text.stdout, /cell 2 of size 3: diamond 0 \(a 1, b 0\), hexagon/)
})

t.test('bad input: clear message, exit 64, nothing on stdout without --json', async (t) => {
  for (const [args, pattern] of [
    [['world', 'info', '--size', '0'], /--size must be an integer from 1 to 16777216, got "0"/],
    [['world', 'info', '--size', 'abc'], /got "abc"/],
    [['world', 'info', '--size', '16777217'], /got "16777217"/],
    [['world', 'dump', '--size', '65', '--json'], /at most 64.*got 65/],
    [['world', 'info'], /required option '--size/],
    [['world', 'cell', '--size', '3', '--id', '92'], /--id must be an integer from 0 to 91 for size 3, got 92/],
    [['world', 'cell', '--size', '3', '--lat', '100', '--lon', '0'], /--lat must be a number from -90 to 90, got "100"/],
    [['world', 'cell', '--size', '3', '--lat', '10'], /give either --id, or both --lat and --lon/],
  ] as const) {
    const r = await hexd(...args)
    t.equal(r.code, 64, `${args.join(' ')} exits 64`)
    t.match(r.stderr, pattern, `${args.join(' ')} says why`)
    if ((args as readonly string[]).includes('--json')) t.match(JSON.parse(r.stdout), { error: { code: 'HEXD_BAD_OPTION', field: 'size' } }, '--json puts the error body on stdout')
    else t.equal(r.stdout, '', 'nothing on stdout')
  }
})
