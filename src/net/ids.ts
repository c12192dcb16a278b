/**
 * Session ids and secrets. Ids are 128 random bits as 32 hex chars; tokens are
 * 256 random bits as 43 base64url chars. Tokens are compared in constant time
 * so a wrong guess leaks nothing through timing.
 *
 * @example
 * const id = newSessionId() // 'f3a9…' (32 hex)
 * sameSecret(token, given)  // true only for the exact token
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'

/** A new 128-bit session id: 32 lowercase hex chars. */
export function newSessionId(): string {
  return randomBytes(16).toString('hex')
}

/** A new 256-bit secret token: 43 base64url chars. */
export function newToken(): string {
  return randomBytes(32).toString('base64url')
}

/**
 * The sha256 of a token, 64 hex chars: what the store keeps (players.token_hash)
 * so a player can come back with its token after a restart; never the token.
 */
export function tokenHash(token: string): string {
  return createHash('sha256').update(token).digest('hex')
}

/** True when `id` looks like a session id (32 lowercase hex chars). */
export function isSessionId(id: unknown): id is string {
  return typeof id === 'string' && /^[0-9a-f]{32}$/.test(id)
}

/** Constant-time comparison of a stored secret with a given one. */
export function sameSecret(secret: string, given: unknown): boolean {
  if (typeof given !== 'string') return false
  const a = Buffer.from(secret)
  const b = Buffer.from(given)
  return a.length === b.length && timingSafeEqual(a, b)
}
