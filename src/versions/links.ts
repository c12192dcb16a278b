/**
 * The append-only linkage behind `/versions/<id>/…`: `versions/links.jsonl`, one JSON line per
 * link, `{"alias":"chunk-format-v1","commit":"1f1b6a4e…","linked_at":"2026-11-24T20:45:00Z",
 * "note":"…"}`. An alias names one commit forever: linking it again to the same commit changes
 * nothing, to another one is refused (HEXD_VERSION_LINK_EXISTS). Commits never change either,
 * so whatever `/versions/` reads through a link can be cached for good.
 *
 * @example
 * const links = new Links('/work/main/versions/links.jsonl')
 * links.add('chunk-format-v1', '1f1b6a4e274cc59e4fd12ec34565294aa0e8c12b', 'the last build writing chunk format v1')
 * links.get('chunk-format-v1')?.commit   // '1f1b6a4e…'
 */
import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs'
import { dirname } from 'node:path'
import { HexdError } from '../errors.ts'
import { COMMIT_RE } from './git.ts'

/** A link's alias: a letter or digit, then letters, digits, `.`, `_`, `-`; at most 64. */
export const ALIAS_RE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/

export interface Link { alias: string; commit: string; linked_at: string; note?: string }

/** Throws HEXD_VERSION_BAD_PATH unless `alias` is a valid alias. */
export function checkAlias(alias: string): void {
  if (!ALIAS_RE.test(alias)) {
    throw new HexdError('HEXD_VERSION_BAD_PATH', `a version alias is 1-64 letters, digits, ".", "_" or "-" starting with a letter or digit, got "${alias}"`, { field: 'alias' })
  }
}

export class Links {
  constructor(readonly file: string) {}

  /** Every link, in the order they were added. A damaged line is an error naming its number. */
  all(): Link[] {
    if (!existsSync(this.file)) return []
    const out: Link[] = []
    const lines = readFileSync(this.file, 'utf8').split('\n')
    lines.forEach((line, i) => {
      if (line.trim() === '') return
      let l: Link
      try { l = JSON.parse(line) as Link } catch { l = {} as Link }
      if (typeof l.alias !== 'string' || !ALIAS_RE.test(l.alias) || typeof l.commit !== 'string' || !COMMIT_RE.test(l.commit)) {
        throw new HexdError('HEXD_VERSION_BAD_PATH', `${this.file} line ${i + 1} is not a link {"alias", "commit": 40 hex digits}: ${line.slice(0, 120)}`, { field: 'links' })
      }
      out.push(l)
    })
    return out
  }

  /** The link named `alias` (the first one: an alias is never relinked), or undefined. */
  get(alias: string): Link | undefined {
    return this.all().find((l) => l.alias === alias)
  }

  /**
   * Links `alias` to `commit` (a full hash). Returns the link and whether it is new; linking an
   * alias again to its own commit is a no-op, to another commit HEXD_VERSION_LINK_EXISTS.
   */
  add(alias: string, commit: string, note?: string, now: Date = new Date()): { link: Link; added: boolean } {
    checkAlias(alias)
    if (!COMMIT_RE.test(commit)) throw new HexdError('HEXD_VERSION_BAD_PATH', `a link's commit is a full hash of 40 hex digits, got "${commit}"`, { field: 'commit' })
    const had = this.get(alias)
    if (had) {
      if (had.commit === commit) return { link: had, added: false }
      throw new HexdError('HEXD_VERSION_LINK_EXISTS', `version alias "${alias}" is linked to ${had.commit.slice(0, 12)} (links are append-only; choose another alias)`, { field: 'alias', details: { commit: had.commit } })
    }
    const link: Link = { alias, commit, linked_at: now.toISOString().replace(/\.\d+Z$/, 'Z'), ...(note ? { note } : {}) }
    mkdirSync(dirname(this.file), { recursive: true })
    appendFileSync(this.file, JSON.stringify(link) + '\n')
    return { link, added: true }
  }
}
