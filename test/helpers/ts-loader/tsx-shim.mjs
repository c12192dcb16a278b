// What `tsx`, `tsx/esm` and `tsx/esm/api` resolve to in a process that already
// runs ./hooks.mjs (see the note there). Only `register` is provided, the one
// export hexd uses (bin/hexd.mjs); importing anything else fails loudly.

/**
 * tsx's register(): here TypeScript is already handled, so it registers
 * nothing and returns an unregister function that does nothing either.
 *
 * @example
 * import { register } from 'tsx/esm/api' // → this file under the tests
 * const unregister = register()
 */
export function register() {
  return async function unregister() {}
}
