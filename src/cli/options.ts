/**
 * Parsers for CLI option values. Each throws a HexdError naming the option and
 * the bad value, so commander's action handler can print it and exit 64.
 *
 * @example
 * intOption('size', 1, 2 ** 24)('64') // => 64
 */
import { HexdError } from '../errors.ts'

/** Returns a commander argParser for an integer in [min, max]. */
export function intOption(name: string, min: number, max: number): (value: string) => number {
  return (value: string) => {
    const n = Number(value)
    if (!/^-?\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < min || n > max) {
      throw new HexdError('HEXD_BAD_OPTION', `--${name} must be an integer from ${min} to ${max}, got ${JSON.stringify(value)}`, { field: name })
    }
    return n
  }
}

/** Returns a commander argParser accepting one of `choices`. */
export function choiceOption<T extends string>(name: string, choices: readonly T[]): (value: string) => T {
  return (value: string) => {
    if (!(choices as readonly string[]).includes(value)) {
      throw new HexdError('HEXD_BAD_OPTION', `--${name} must be one of ${choices.join(', ')}, got ${JSON.stringify(value)}`, { field: name })
    }
    return value as T
  }
}
