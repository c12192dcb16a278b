/**
 * Every key the TUI understands, in one table: the input handler dispatches
 * from it and the `?` help screen lists it, so the two cannot drift apart.
 *
 * @example
 * commandFor('x', {}) // => 'remove'
 */

export type Command =
  | 'cursor-e' | 'cursor-w' | 'cursor-n' | 'cursor-s'
  | 'walk-e' | 'walk-w' | 'walk-n' | 'walk-s'
  | 'walk-far-e' | 'walk-far-w' | 'walk-far-n' | 'walk-far-s'
  | 'goto-cursor' | 'home'
  | 'place' | 'remove' | 'rotate' | 'recipe' | 'claim'
  | 'build-next' | 'build-prev' | 'build-1' | 'build-2' | 'build-3' | 'build-4' | 'build-5' | 'build-6' | 'build-7' | 'build-8' | 'build-9'
  | 'dir-next'
  | 'panel-next' | 'help' | 'quit' | 'cancel' | 'confirm'

/** The subset of ink's Key flags the table uses. */
export interface KeyFlags {
  leftArrow?: boolean; rightArrow?: boolean; upArrow?: boolean; downArrow?: boolean
  return?: boolean; escape?: boolean; tab?: boolean; delete?: boolean; backspace?: boolean; ctrl?: boolean
}

export interface Binding {
  /** Keys as shown in help. */
  keys: string
  command: Command
  help: string
  /** Matches ink's (input, key) pair. */
  match: (input: string, key: KeyFlags) => boolean
}

const ch = (...chars: string[]) => (input: string, key: KeyFlags) => !key.ctrl && chars.includes(input)

/** The bindings, in help order. */
export const BINDINGS: Binding[] = [
  { keys: '←→↑↓ hjkl', command: 'cursor-w', help: 'move the cursor', match: (i, k) => !!k.leftArrow || ch('h')(i, k) },
  { keys: '', command: 'cursor-e', help: '', match: (i, k) => !!k.rightArrow || ch('l')(i, k) },
  { keys: '', command: 'cursor-n', help: '', match: (i, k) => !!k.upArrow || ch('k')(i, k) },
  { keys: '', command: 'cursor-s', help: '', match: (i, k) => !!k.downArrow || ch('j')(i, k) },
  { keys: 'wasd', command: 'walk-n', help: 'walk one cell (you + view)', match: ch('w') },
  { keys: '', command: 'walk-w', help: '', match: ch('a') },
  { keys: '', command: 'walk-s', help: '', match: ch('s') },
  { keys: '', command: 'walk-e', help: '', match: ch('d') },
  { keys: 'WASD', command: 'walk-far-n', help: 'walk five cells', match: ch('W') },
  { keys: '', command: 'walk-far-w', help: '', match: ch('A') },
  { keys: '', command: 'walk-far-s', help: '', match: ch('S') },
  { keys: '', command: 'walk-far-e', help: '', match: ch('D') },
  { keys: 'g', command: 'goto-cursor', help: 'walk to the cursor', match: ch('g') },
  { keys: 'H', command: 'home', help: 'recentre on you, north up', match: ch('H') },
  { keys: 'space / p', command: 'place', help: 'place chosen structure', match: ch(' ', 'p') },
  { keys: 'x / Del', command: 'remove', help: 'remove structure', match: (i, k) => ch('x')(i, k) || !!k.delete },
  { keys: 'r', command: 'rotate', help: 'rotate structure', match: ch('r') },
  { keys: 'R', command: 'dir-next', help: 'turn new structures', match: ch('R') },
  { keys: 'e', command: 'recipe', help: 'choose machine recipe', match: ch('e') },
  { keys: 'c', command: 'claim', help: 'claim the cell', match: ch('c') },
  { keys: '[ ]', command: 'build-prev', help: 'choose structure (prev/next)', match: ch('[') },
  { keys: '', command: 'build-next', help: '', match: ch(']') },
  ...[1, 2, 3, 4, 5, 6, 7, 8, 9].map((n): Binding => ({
    keys: n === 1 ? '1-9' : '', command: `build-${n}` as Command, help: n === 1 ? 'choose structure by number' : '', match: ch(String(n)),
  })),
  { keys: 'Tab', command: 'panel-next', help: 'next side panel', match: (_i, k) => !!k.tab },
  { keys: 'Enter', command: 'confirm', help: 'confirm (recipe list)', match: (_i, k) => !!k.return },
  { keys: 'Esc', command: 'cancel', help: 'close help / recipe list', match: (_i, k) => !!k.escape },
  { keys: '?', command: 'help', help: 'show / hide this help', match: ch('?') },
  { keys: 'q / Ctrl+C', command: 'quit', help: 'quit', match: (i, k) => ch('q')(i, k) || (!!k.ctrl && i === 'c') },
]

/** The command bound to an ink (input, key) pair, if any. */
export function commandFor(input: string, key: KeyFlags): Command | undefined {
  return BINDINGS.find((b) => b.match(input, key))?.command
}

/** Help lines: one per documented binding (bindings with empty `keys` share the line above). */
export function helpLines(): Array<[string, string]> {
  return BINDINGS.filter((b) => b.keys).map((b) => [b.keys, b.help])
}
