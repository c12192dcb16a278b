/**
 * `/versions/<id>/<path>` pseudofiles: the file `<path>` as it was in the commit that `<id>`
 * names, where `<id>` is an alias from the append-only linkage (links.ts) or a full commit hash.
 * Tests use them to run old code next to new code (a serializer's v1 next to its v2) without
 * keeping copies of old code in the tree. Commits never change, so every read is cached for
 * good: file bytes in memory, unpacked folders on disk under `.hexd/versions/<commit>/`.
 *
 * Three ways in:
 *   open(p)     a stream straight from `git show` (a pipe, read once: the FIFO-like interface)
 *   read(p)     the bytes (cached)
 *   import(p)   the module, run: its top-level folder of that commit is unpacked under the
 *               project (so its relative imports find that commit's files and its package
 *               imports this project's node_modules), then imported; TypeScript runs through
 *               the same loader as the caller's own code (tsx)
 *
 * @example
 * const v = new VersionStore()   // this checkout: versions/links.jsonl, cache in .hexd/versions
 * const oldIndex = await v.import('/versions/chunk-format-v1/src/store/serializers/index.ts')
 * oldIndex.encodeChunk(rec)      // bytes as the v1-era build wrote them
 */
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import type { Readable } from 'node:stream'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { HexdError } from '../errors.ts'
import { COMMIT_RE, existsAt, showBytes, showStream, unpackDir, checkRepo } from './git.ts'
import { ALIAS_RE, Links } from './links.ts'

/** This project's root (the folder holding package.json and .git). */
export const PROJECT_ROOT = fileURLToPath(new URL('../..', import.meta.url))

export interface VersionPath { id: string; path: string }
export interface ResolvedPath extends VersionPath { commit: string }

export interface VersionStoreOptions {
  /** The git work tree to read history from. Default: this project. */
  root?: string
  /** The linkage file. Default `<root>/versions/links.jsonl`. */
  linksFile?: string
  /** Where folders are unpacked. Default `<root>/.hexd/versions`. */
  cacheDir?: string
}

/**
 * Splits `/versions/<id>/<path>` (HEXD_VERSION_BAD_PATH naming the problem otherwise).
 *
 * @example
 * parseVersionPath('/versions/v1/src/a.ts')  // { id: 'v1', path: 'src/a.ts' }
 */
export function parseVersionPath(p: string): VersionPath {
  const m = /^\/versions\/([^/]+)\/(.+)$/.exec(p)
  if (!m) throw new HexdError('HEXD_VERSION_BAD_PATH', `a version path is /versions/<alias or commit>/<path in the repository>, got "${p}"`, { field: 'path' })
  const [, id, path] = m
  if (!ALIAS_RE.test(id)) throw new HexdError('HEXD_VERSION_BAD_PATH', `"${id}" in "${p}" is neither a version alias nor a commit hash`, { field: 'path' })
  const segs = path.split('/')
  if (segs.some((s) => s === '' || s === '.' || s === '..') || path.includes('\\') || path.includes('\0')) {
    throw new HexdError('HEXD_VERSION_BAD_PATH', `the path in "${p}" must be relative to the repository root, without empty, "." or ".." parts`, { field: 'path' })
  }
  return { id, path }
}

export class VersionStore {
  readonly root: string
  readonly links: Links
  readonly cacheDir: string
  private readonly bytes = new Map<string, Buffer>()

  constructor(opts: VersionStoreOptions = {}) {
    this.root = opts.root ?? PROJECT_ROOT
    this.links = new Links(opts.linksFile ?? join(this.root, 'versions', 'links.jsonl'))
    this.cacheDir = opts.cacheDir ?? join(this.root, '.hexd', 'versions')
  }

  /** Which commit a pseudofile path reads; HEXD_VERSION_UNKNOWN for an alias never linked. */
  resolve(p: string): ResolvedPath {
    const vp = parseVersionPath(p)
    if (COMMIT_RE.test(vp.id)) return { ...vp, commit: vp.id }
    const link = this.links.get(vp.id)
    if (!link) throw new HexdError('HEXD_VERSION_UNKNOWN', `version alias "${vp.id}" is not linked (link it: hexd versions link ${vp.id} <commit>)`, { field: 'path' })
    return { ...vp, commit: link.commit }
  }

  /** A stream of the file's bytes, straight from git (not cached). */
  open(p: string): Readable {
    const r = this.resolve(p)
    checkRepo(this.root)
    return showStream(this.root, r.commit, r.path)
  }

  /** The file's bytes (cached: a commit's files never change). */
  read(p: string): Buffer {
    const r = this.resolve(p)
    const key = `${r.commit}:${r.path}`
    let b = this.bytes.get(key)
    if (!b) {
      checkRepo(this.root)
      this.bytes.set(key, (b = showBytes(this.root, r.commit, r.path)))
    }
    return b
  }

  /**
   * The file on disk, inside its commit's unpacked top-level folder (unpacked on first use).
   * A file at the repository root (in no folder) is refused: read it instead.
   */
  materialize(p: string): string {
    const r = this.resolve(p)
    const slash = r.path.indexOf('/')
    if (slash < 0) throw new HexdError('HEXD_VERSION_BAD_PATH', `only files inside a folder can be imported or unpacked, got "${r.path}" (read it instead)`, { field: 'path' })
    const top = r.path.slice(0, slash)
    const commitDir = join(this.cacheDir, r.commit)
    const file = join(commitDir, r.path)
    if (!existsSync(join(commitDir, top))) {
      checkRepo(this.root)
      if (!existsAt(this.root, r.commit, r.path)) throw new HexdError('HEXD_VERSION_NOT_FOUND', `${r.path} is not in commit ${r.commit.slice(0, 12)} (${r.id})`, { field: 'path' })
      unpackDir(this.root, r.commit, top, commitDir)
    }
    if (!existsSync(file)) throw new HexdError('HEXD_VERSION_NOT_FOUND', `${r.path} is not in commit ${r.commit.slice(0, 12)} (${r.id})`, { field: 'path' })
    return file
  }

  /** Imports the module at `p` as that commit had it (see the header). */
  async import<T = Record<string, unknown>>(p: string): Promise<T> {
    return await import(pathToFileURL(this.materialize(p)).href) as T
  }
}
