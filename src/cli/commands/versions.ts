/**
 * `hexd versions`: the `/versions/<alias>/<path>` pseudofiles (src/versions, docs/VERSIONS.md).
 *
 * @example
 * hexd versions link chunk-format-v1 1f1b6a4 --note "the last build writing chunk format v1"
 * hexd versions list --json
 * hexd versions show /versions/chunk-format-v1/src/store/serializers/index.ts
 * hexd versions path /versions/chunk-format-v1/src/store/serializers/index.ts
 * HEXD_VERSIONS_LINKS=/tmp/links.jsonl hexd versions list   # another linkage file
 */
import type { Command } from 'commander'

/** The store the commands use: this checkout; HEXD_VERSIONS_LINKS names another linkage file. */
async function store() {
  const { VersionStore } = await import('../../versions/store.ts')
  return new VersionStore({ linksFile: process.env.HEXD_VERSIONS_LINKS || undefined })
}

export function register(program: Command): void {
  const versions = program.command('versions').description('old code by commit: /versions/<alias>/<path> pseudofiles over an append-only alias linkage')
  versions
    .command('link <alias> <rev>')
    .description('link an alias to the commit <rev> names (append-only: an alias never changes)')
    .option('--note <text>', 'why this commit is linked')
    .option('--json', 'print one JSON document')
    .action(async (alias: string, rev: string, opts: { note?: string; json?: boolean }) => {
      const { revParse } = await import('../../versions/git.ts')
      const { checkAlias } = await import('../../versions/links.ts')
      const v = await store()
      checkAlias(alias)
      const { link, added } = v.links.add(alias, revParse(v.root, rev), opts.note)
      if (opts.json) process.stdout.write(JSON.stringify({ ...link, added }) + '\n')
      else process.stdout.write(`${added ? 'linked' : 'already linked'}: /versions/${link.alias}/ -> ${link.commit}\n`)
    })
  versions
    .command('list')
    .description('every linked alias and its commit')
    .option('--json', 'print one JSON document')
    .action(async (opts: { json?: boolean }) => {
      const links = (await store()).links.all()
      if (opts.json) process.stdout.write(JSON.stringify({ links }) + '\n')
      else process.stdout.write(links.map((l) => `${l.alias.padEnd(24)} ${l.commit}  ${l.linked_at}${l.note ? `  ${l.note}` : ''}`).join('\n') + (links.length ? '\n' : 'no links yet (hexd versions link <alias> <rev>)\n'))
    })
  versions
    .command('show <pseudopath>')
    .description('print /versions/<alias or commit>/<path>: the file as that commit has it (streamed from git)')
    .action(async (p: string) => {
      const stream = (await store()).open(p)
      await new Promise<void>((resolve, reject) => {
        stream.on('error', reject)
        stream.on('end', resolve)
        stream.pipe(process.stdout, { end: false })
      })
    })
  versions
    .command('path <pseudopath>')
    .description('unpack the file\'s top-level folder of that commit under .hexd/versions and print the file\'s path')
    .option('--json', 'print one JSON document')
    .action(async (p: string, opts: { json?: boolean }) => {
      const v = await store()
      const file = v.materialize(p)
      if (opts.json) process.stdout.write(JSON.stringify({ ...v.resolve(p), file }) + '\n')
      else process.stdout.write(file + '\n')
    })
}
