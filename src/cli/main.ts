/**
 * The hexd CLI. Each subcommand lives in src/cli/commands/<name>.ts and only
 * declares its options here; its implementation is imported inside the action,
 * so `hexd --help` loads nothing heavy.
 */
import { Command, CommanderError } from 'commander'
import { HexdError, EX } from '../errors.ts'
import { COMMANDS } from './commands/index.ts'

const program = new Command('hexd')
  .description('terminal-first engine for a multiplayer factory game on a hex-tiled sphere')
  .version('0.1.0')
  .showHelpAfterError()
  .exitOverride()

for (const register of COMMANDS) register(program)

/** Prints an error the way every hexd command does, and returns its exit code. */
export function reportError(err: unknown, json: boolean): number {
  if (err instanceof HexdError) {
    if (json) process.stdout.write(JSON.stringify(err.toJSON()) + '\n')
    process.stderr.write(`hexd: ${err.message}\n`)
    return err.exitCode
  }
  process.stderr.write(`hexd: internal error: ${(err as Error)?.stack ?? String(err)}\n`)
  return EX.SOFTWARE
}

try {
  await program.parseAsync(process.argv)
} catch (err) {
  if (err instanceof CommanderError) {
    // commander already printed its message; help and version exit 0.
    process.exitCode = err.exitCode === 0 ? 0 : EX.USAGE
  } else {
    // An argParser's HexdError reaches here wrapped by nothing: report it.
    const cause = (err as { cause?: unknown })?.cause
    process.exitCode = reportError(cause instanceof HexdError ? cause : err, process.argv.includes('--json'))
  }
}
