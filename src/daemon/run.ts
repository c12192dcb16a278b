/**
 * Runs the daemon until SIGTERM or SIGINT, then shuts down gracefully: stop
 * accepting, finish the running tick, flush the journal, close every client,
 * exit 0. A second signal while draining exits at once with 130.
 *
 * @example
 * await runDaemonUntilSignal(resolveConfig({ port: '4000' }))
 */
import pino from 'pino'
import type { ServeConfig } from './config.ts'
import { composeDaemon } from './compose.ts'

export async function runDaemonUntilSignal(config: ServeConfig): Promise<void> {
  const log = pino({ name: 'hexd' }, pino.destination({ fd: 2, sync: true }))
  const { close } = await composeDaemon(config, log)
  await new Promise<void>((resolve) => {
    let stopping = false
    const onSignal = (sig: NodeJS.Signals) => {
      if (stopping) { log.warn({ signal: sig }, 'second signal: exiting now'); process.exit(130) }
      stopping = true
      log.info({ signal: sig }, 'shutting down')
      close().then(resolve, (err) => { log.error({ err: String(err) }, 'shutdown failed'); process.exitCode = 70; resolve() })
    }
    process.on('SIGTERM', onSignal)
    process.on('SIGINT', onSignal)
  })
  process.exitCode ??= 0
}
