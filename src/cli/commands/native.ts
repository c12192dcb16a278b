/**
 * `hexd native info [--json]`: is the native addon/worker built here, which
 * sync mechanisms work, the signal numbers and versions (docs/NATIVE.md).
 *
 * @example
 * hexd native info --json
 */
import type { Command } from 'commander'

export function register(program: Command): void {
  const native = program.command('native').description('the native worker: build status, sync mechanisms, signals')
  native
    .command('info')
    .description('whether the addon and worker are built, which --sync modes work, signal numbers, versions')
    .option('--json', 'print one JSON document')
    .action(async (opts: { json?: boolean }) => {
      const { nativeInfo } = await import('../../native/info.ts')
      const i = nativeInfo()
      if (opts.json) {
        process.stdout.write(JSON.stringify(i) + '\n')
        return
      }
      const lines = i.addon
        ? [
            `native addon: built (region format v${i.regionVersion}, engine layout v${i.layoutVersion})`,
            `worker: ${i.worker}${i.workerExecutable ? '' : ' (missing: --compute process unavailable)'}`,
            `sync: ${i.sync.join(', ')} (auto picks ${i.auto})`,
            `signals: daemon waiter SIGRTMIN+4 = ${i.signals!.daemon}, worker SIGUSR1 = ${i.signals!.worker}`,
            `kernel threads (default --threads): ${i.threads}`,
          ]
        : [`native addon: not available: ${i.reason}`, 'native --compute modes fall back to --compute js']
      process.stdout.write(lines.join('\n') + '\n')
    })
}
