/**
 * `hexd db …`: the store from the command line.
 *   migrate                         apply pending migrations (also done by `hexd serve`)
 *   status                          backend, branch, migrations, journal head, snapshot, counts
 *   branch create NAME [--from B]   copy branch B (default: current) to a new branch
 *   branch list | use NAME | delete NAME
 * Common options (before or after the subcommand): --data DIR, --database-url URL,
 * --db-branch NAME|auto, --json.
 *
 * @example
 * hexd db status --json
 * hexd db branch create experiment --from main && hexd db branch use experiment
 * DATABASE_URL=postgres://postgres@127.0.0.1:5432/test hexd db migrate
 */
import type { Command } from 'commander'

interface DbOpts { data?: string; databaseUrl?: string; dbBranch?: string; json?: boolean; from?: string; drainMs?: string }

function common(c: Command): Command {
  return c
    .option('--data <dir>', 'PGlite data directory, also where the current branch is kept [./.hexd, HEXD_DATA]')
    .option('--database-url <url>', 'use Postgres at this URL instead of PGlite [DATABASE_URL]')
    .option('--db-branch <name>', 'branch to act on: a name, or auto = the current git branch [HEXD_DB_BRANCH, else the current branch]')
    .option('--json', 'print one JSON document')
}

/** Prints `data` as JSON with --json, else `text`. */
function out(opts: DbOpts, data: unknown, text: string): void {
  process.stdout.write(opts.json ? JSON.stringify(data) + '\n' : text + '\n')
}

export function register(program: Command): void {
  const db = common(program.command('db').description('the store: migrations, status, branches (PGlite by default, Postgres with --database-url)'))
  const g = (cmd: Command) => cmd.optsWithGlobals() as DbOpts

  common(db.command('migrate').description('apply pending migrations from migrations/'))
    .action(async (_o, cmd: Command) => {
      const o = g(cmd)
      const { openStore } = await import('../../store/open.ts')
      const s = await openStore({ data: o.data, databaseUrl: o.databaseUrl, branch: o.dbBranch })
      await s.db.close()
      out(o, { branch: s.branch, applied: s.applied }, s.applied.length ? `applied ${s.applied.join(', ')} on branch ${s.branch}` : `branch ${s.branch} is up to date`)
    })

  common(db.command('status').description('backend, branch, applied migrations, journal head, latest snapshot, row counts'))
    .action(async (_o, cmd: Command) => {
      const o = g(cmd)
      const { openStore } = await import('../../store/open.ts')
      const { dbStatus } = await import('../../store/status.ts')
      const s = await openStore({ data: o.data, databaseUrl: o.databaseUrl, branch: o.dbBranch, migrate: false })
      try {
        const st = await dbStatus(s.db, s.branch)
        const lines = [
          `backend   ${st.backend} (${st.location})`,
          `branch    ${st.branch}`,
          `world     ${st.world ? `seed ${st.world.seed}, size ${st.world.size}` : '(none yet)'}`,
          ...st.migrations.map((m) => `migration ${m.name} ${m.applied ? `applied ${m.executedAt}` : 'PENDING (run: hexd db migrate)'}`),
          `journal   ${st.head ? `tick ${st.head.tick}, hash ${st.head.hash}` : '(empty)'}`,
          `snapshot  ${st.snapshot ? `tick ${st.snapshot.tick}, hash ${st.snapshot.hash}, format v${st.snapshot.format}, ${st.snapshot.bytes} bytes` : '(none)'}`,
          ...(st.counts ? [`rows      chunks ${st.counts.chunks}, players ${st.counts.players}, events ${st.counts.events}, snapshots ${st.counts.snapshots}`] : []),
        ]
        out(o, st, lines.join('\n'))
      } finally { await s.db.close() }
    })

  const branch = common(db.command('branch').description('database branches: create, list, use, delete'))
  common(branch.command('create <name>').description('create a branch as a full copy of another (Postgres: CREATE DATABASE … TEMPLATE, after draining the parent\'s connections)'))
    .option('--from <branch>', 'parent branch [the current branch]')
    .option('--drain-ms <ms>', 'Postgres: how long to wait for sessions on the parent to close before terminating them [5000]')
    .action(async (name: string, _o, cmd: Command) => {
      const o = g(cmd)
      const { createBranch } = await import('../../store/branches.ts')
      const { storeTarget } = await import('../../store/open.ts')
      const { intOption } = await import('../options.ts')
      const drainMs = o.drainMs === undefined ? undefined : intOption('drain-ms', 0, 600_000)(o.drainMs)
      const b = await createBranch(storeTarget(o), name, { from: o.from, drainMs })
      out(o, b, `created branch ${b.name} from ${b.parent} (${b.location})`)
    })
  common(branch.command('list').description('every branch, its parent, and which one is current'))
    .action(async (_o, cmd: Command) => {
      const o = g(cmd)
      const { listBranches } = await import('../../store/branches.ts')
      const { storeTarget } = await import('../../store/open.ts')
      const list = await listBranches(storeTarget(o))
      out(o, { branches: list }, list.map((b) => `${b.current ? '*' : ' '} ${b.name}${b.parent ? ` (from ${b.parent})` : ''}`).join('\n'))
    })
  common(branch.command('use <name>').description('make a branch the current one (kept in <data>/HEAD)'))
    .action(async (name: string, _o, cmd: Command) => {
      const o = g(cmd)
      const { useBranch } = await import('../../store/branches.ts')
      const { storeTarget } = await import('../../store/open.ts')
      await useBranch(storeTarget(o), name)
      out(o, { current: name }, `now on branch ${name}`)
    })
  common(branch.command('delete <name>').description('delete a branch (never main)'))
    .action(async (name: string, _o, cmd: Command) => {
      const o = g(cmd)
      const { deleteBranch } = await import('../../store/branches.ts')
      const { storeTarget } = await import('../../store/open.ts')
      await deleteBranch(storeTarget(o), name)
      out(o, { deleted: name }, `deleted branch ${name}`)
    })
}
