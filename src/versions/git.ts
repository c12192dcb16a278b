/**
 * The git plumbing behind `/versions/`: resolve a revision to its full commit hash, stream one
 * file of a commit (`git show <commit>:<path>` through a pipe), and unpack a folder of a commit
 * into a directory (`git archive | tar -x`). Every call runs git with an argument list (no
 * shell) in `root`, the repository's work tree.
 *
 * @example
 * const c = revParse('/work/main', 'HEAD~3')            // '1f1b6a4e…' (40 hex digits)
 * showStream('/work/main', c, 'src/store/serializers/index.ts').pipe(process.stdout)
 */
import { spawn, spawnSync } from 'node:child_process'
import { mkdirSync, renameSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { PassThrough, type Readable } from 'node:stream'
import { HexdError } from '../errors.ts'

/** A full commit hash: 40 lowercase hex digits. */
export const COMMIT_RE = /^[0-9a-f]{40}$/

function git(root: string, args: string[], input?: string): { status: number; stdout: Buffer; stderr: string } {
  const r = spawnSync('git', args, { cwd: root, input, maxBuffer: 256 << 20 })
  if (r.error) throw new HexdError('HEXD_VERSION_GIT', `cannot run git in ${root}: ${r.error.message}`, { cause: r.error })
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr.toString('utf8').trim() }
}

/** Checks that `root` is inside a git work tree; throws HEXD_VERSION_GIT otherwise. */
export function checkRepo(root: string): void {
  const r = git(root, ['rev-parse', '--is-inside-work-tree'])
  if (r.status !== 0) throw new HexdError('HEXD_VERSION_GIT', `${root} is not a git checkout, so /versions/ has no history to read (${r.stderr})`)
}

/** Whether this clone is shallow (old commits may be missing). */
export function isShallow(root: string): boolean {
  return git(root, ['rev-parse', '--is-shallow-repository']).stdout.toString().trim() === 'true'
}

/** The full hash of the commit `rev` names; HEXD_VERSION_NOT_FOUND when it names none. */
export function revParse(root: string, rev: string): string {
  if (rev.startsWith('-') || rev.length === 0) throw new HexdError('HEXD_VERSION_BAD_PATH', `a revision must not be empty or start with "-", got "${rev}"`, { field: 'rev' })
  checkRepo(root)
  const r = git(root, ['rev-parse', '--verify', '--quiet', `${rev}^{commit}`])
  const hash = r.stdout.toString().trim()
  if (r.status !== 0 || !COMMIT_RE.test(hash)) {
    const hint = isShallow(root) ? ' (this clone is shallow: `git fetch --unshallow` brings the history)' : ''
    throw new HexdError('HEXD_VERSION_NOT_FOUND', `"${rev}" is not a commit of this repository${hint}`, { field: 'rev' })
  }
  return hash
}

/** Whether `path` exists in `commit` (as a file or a folder). */
export function existsAt(root: string, commit: string, path: string): boolean {
  return git(root, ['cat-file', '-e', `${commit}:${path}`]).status === 0
}

/**
 * Streams `commit:path` from git's stdout: the bytes arrive as git writes them (a pipe, read
 * once, like a FIFO). The stream errors with HEXD_VERSION_NOT_FOUND when git cannot show it.
 */
export function showStream(root: string, commit: string, path: string): Readable {
  const out = new PassThrough()
  const p = spawn('git', ['show', `${commit}:${path}`], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] })
  let err = ''
  p.stderr.on('data', (d) => { err += d })
  p.on('error', (e) => out.destroy(new HexdError('HEXD_VERSION_GIT', `cannot run git in ${root}: ${e.message}`, { cause: e })))
  p.stdout.pipe(out, { end: false })
  p.on('close', (code) => {
    if (code === 0) out.end()
    else out.destroy(new HexdError('HEXD_VERSION_NOT_FOUND', `${path} is not in commit ${commit.slice(0, 12)} (${err.trim()})`, { field: 'path' }))
  })
  return out
}

/** Reads `commit:path` whole. */
export function showBytes(root: string, commit: string, path: string): Buffer {
  const r = git(root, ['show', `${commit}:${path}`])
  if (r.status !== 0) throw new HexdError('HEXD_VERSION_NOT_FOUND', `${path} is not in commit ${commit.slice(0, 12)} (${r.stderr})`, { field: 'path' })
  return r.stdout
}

/**
 * Unpacks top-level folder `dir` of `commit` into `commitDir/dir`, atomically: into a temporary
 * sibling first, then renamed, so a concurrent reader sees the whole folder or none of it.
 * Returns false when another process won the race (its copy is identical: commits never change).
 */
export function unpackDir(root: string, commit: string, dir: string, commitDir: string): boolean {
  const tmp = `${commitDir}.tmp-${process.pid}-${Date.now()}`
  mkdirSync(tmp, { recursive: true })
  try {
    const archive = git(root, ['archive', '--format=tar', commit, '--', dir])
    if (archive.status !== 0) throw new HexdError('HEXD_VERSION_NOT_FOUND', `${dir} is not in commit ${commit.slice(0, 12)} (${archive.stderr})`, { field: 'path' })
    const tar = spawnSync('tar', ['-x', '-C', tmp], { input: archive.stdout })
    if (tar.status !== 0) throw new HexdError('HEXD_VERSION_GIT', `cannot unpack ${dir} of ${commit.slice(0, 12)} with tar: ${tar.error?.message ?? tar.stderr.toString().trim()}`)
    mkdirSync(commitDir, { recursive: true })
    try {
      renameSync(join(tmp, dir), join(commitDir, dir))
      return true
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOTEMPTY' || (e as NodeJS.ErrnoException).code === 'EEXIST') return false
      throw e
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true })
  }
}
