/**
 * Every error hexd reports to a user is a {@link HexdError} with a stable code
 * from {@link ERRORS}. The code decides the HTTP status and the CLI exit code
 * (sysexits.h), so a given mistake looks the same on every surface.
 *
 * Adding a code: add it to ERRORS and document it in docs/ERRORS.md
 * (test/errors.test.ts fails when a code is undocumented).
 *
 * @example
 * throw new HexdError('HEXD_BAD_OPTION', '--size must be an integer from 1 to 16777216, got "abc"', { field: 'size' })
 */

/** sysexits.h codes used by the CLI. */
export const EX = {
  OK: 0,
  USAGE: 64,
  DATAERR: 65,
  NOINPUT: 66,
  UNAVAILABLE: 69,
  SOFTWARE: 70,
  OSERR: 71,
  CANTCREAT: 73,
  IOERR: 74,
  TEMPFAIL: 75,
  NOPERM: 77,
  CONFIG: 78,
} as const

export interface ErrorSpec {
  /** HTTP status for this code. */
  status: number
  /** CLI exit code (sysexits). */
  exit: number
  /** One line: what the code means. */
  summary: string
}

/** The registry of every error code. Keep sorted by area. */
export const ERRORS = {
  HEXD_BAD_OPTION: { status: 400, exit: EX.USAGE, summary: 'A CLI option or query parameter has an invalid value.' },
  HEXD_BAD_ACTION: { status: 422, exit: EX.DATAERR, summary: 'An action is malformed or cannot be applied to the world.' },
  HEXD_BAD_CELL: { status: 400, exit: EX.DATAERR, summary: 'A cell id is not a cell of this world.' },
  HEXD_BAD_CHUNK: { status: 400, exit: EX.DATAERR, summary: 'A chunk id is not a chunk of this world.' },
  HEXD_UNKNOWN_SCENARIO: { status: 400, exit: EX.USAGE, summary: 'A scenario name is not one hexd knows.' },
  HEXD_UNKNOWN_PLAYER: { status: 404, exit: EX.DATAERR, summary: 'An action names a player that has not joined the world (or has left it).' },
  HEXD_PLAYER_EXISTS: { status: 409, exit: EX.DATAERR, summary: 'A join names a player that is already online.' },
  HEXD_NOT_OWNER: { status: 403, exit: EX.NOPERM, summary: 'The cell (or its structure) belongs to another player.' },
  HEXD_OUT_OF_REACH: { status: 403, exit: EX.NOPERM, summary: "The cell is neither within the player's reach nor adjacent to its territory (or a move is too far)." },
  HEXD_CELL_OCCUPIED: { status: 409, exit: EX.DATAERR, summary: 'A place targets a cell that already holds a structure.' },
  HEXD_NO_STRUCTURE: { status: 409, exit: EX.DATAERR, summary: 'A remove/rotate/set_recipe targets a cell without a (suitable) structure.' },
  HEXD_UNBUILDABLE: { status: 422, exit: EX.DATAERR, summary: 'The structure cannot stand there (water, ice, a pole or pentagon, an extractor on bare ground).' },
  HEXD_MSG_BAD_ENDPOINT: { status: 400, exit: EX.USAGE, summary: 'A messaging endpoint URL is not inproc://NAME, tcp://HOST:PORT or ipc://PATH.' },
  HEXD_MSG_BAD_REQUEST: { status: 400, exit: EX.DATAERR, summary: 'A ZeroMQ request is not a JSON object with a known "op" and valid fields.' },
  HEXD_MSG_TOO_LARGE: { status: 413, exit: EX.DATAERR, summary: 'A message is larger than the socket accepts.' },
  HEXD_MSG_TIMEOUT: { status: 504, exit: EX.TEMPFAIL, summary: 'A request got no reply within its timeout after every retry.' },
  HEXD_MSG_CLOSED: { status: 503, exit: EX.UNAVAILABLE, summary: 'A messaging socket was used after it was closed.' },
  HEXD_BUS_BAD_TOPIC: { status: 400, exit: EX.DATAERR, summary: 'An event-log topic name or partition is not valid.' },
  HEXD_BUS_OFFSET_GONE: { status: 416, exit: EX.DATAERR, summary: 'An event-log offset is below what retention still keeps.' },
  HEXD_BUS_UNAVAILABLE: { status: 503, exit: EX.UNAVAILABLE, summary: 'The event-log backend (e.g. NATS) cannot be reached.' },
  HEXD_BUS_CORRUPT: { status: 500, exit: EX.DATAERR, summary: 'The durable event log on disk is damaged beyond its torn tail (offsets out of order).' },
  HEXD_DB_UNAVAILABLE: { status: 503, exit: EX.UNAVAILABLE, summary: 'The database (PGlite data directory or Postgres server) cannot be opened or reached.' },
  HEXD_DB_BUSY: { status: 409, exit: EX.TEMPFAIL, summary: 'The database or branch is in use by another process (e.g. a PGlite data directory held by a running daemon).' },
  HEXD_DB_MIGRATION: { status: 500, exit: EX.SOFTWARE, summary: 'A database migration failed or the applied migrations do not match the migrations/ folder.' },
  HEXD_BAD_BRANCH: { status: 400, exit: EX.USAGE, summary: 'A database branch name is invalid (letters, digits, . _ - /, at most 40 characters).' },
  HEXD_BRANCH_NOT_FOUND: { status: 404, exit: EX.NOINPUT, summary: 'A database branch does not exist.' },
  HEXD_BRANCH_EXISTS: { status: 409, exit: EX.CANTCREAT, summary: 'A database branch with that name already exists.' },
  HEXD_BAD_STORED_DATA: { status: 500, exit: EX.DATAERR, summary: 'Stored bytes (a chunk or snapshot) are corrupt or in an unknown format version.' },
  HEXD_RECOVERY_MISMATCH: { status: 500, exit: EX.SOFTWARE, summary: 'Recovery (snapshot + log replay) did not reproduce the hash recorded at the last committed tick.' },
  HEXD_CHUNK_LOADING: { status: 503, exit: EX.TEMPFAIL, summary: 'A chunk evicted from memory (--cache-mb) is being loaded back from the database; retry shortly.' },
  HEXD_BAD_REQUEST: { status: 400, exit: EX.DATAERR, summary: 'A request body, query or frame payload is malformed or fails its JSON schema (the field is named).' },
  HEXD_BAD_FRAME: { status: 400, exit: EX.DATAERR, summary: 'A WebSocket/long-poll frame is not a Phoenix v2 JSON array [join_ref, ref, topic, event, payload].' },
  HEXD_UNAUTHORIZED: { status: 401, exit: EX.NOPERM, summary: 'A session token is missing or wrong.' },
  HEXD_FORBIDDEN: { status: 403, exit: EX.NOPERM, summary: "The token is valid but opens another session (someone else's mailbox or player topic)." },
  HEXD_NOT_FOUND: { status: 404, exit: EX.NOINPUT, summary: 'A session, player, route or resource does not exist.' },
  HEXD_UNKNOWN_TOPIC: { status: 404, exit: EX.DATAERR, summary: 'A Phoenix channel topic is not one the server serves.' },
  HEXD_NOT_JOINED: { status: 409, exit: EX.DATAERR, summary: 'A Phoenix push names a topic this connection has not joined.' },
  HEXD_ALREADY_JOINED: { status: 409, exit: EX.DATAERR, summary: 'This Phoenix connection already has a session on world:main.' },
  HEXD_TOO_LARGE: { status: 413, exit: EX.DATAERR, summary: 'A body, frame or batch is larger than the server accepts.' },
  HEXD_RATE_LIMITED: { status: 429, exit: EX.TEMPFAIL, summary: 'A session queued more actions for one tick than allowed.' },
  HEXD_UNAVAILABLE: { status: 503, exit: EX.UNAVAILABLE, summary: 'The server is shutting down or not ready.' },
  HEXD_NATIVE_UNAVAILABLE: { status: 503, exit: EX.UNAVAILABLE, summary: 'The native addon or worker is not built/usable, or a forced --sync mode is unsupported (use --compute js).' },
  HEXD_NATIVE_BAD_REGION: { status: 500, exit: EX.DATAERR, summary: 'A shared-memory region has the wrong magic, format or layout version, or inconsistent sizes.' },
  HEXD_NATIVE_WORKER_FAILED: { status: 503, exit: EX.UNAVAILABLE, summary: 'The native worker keeps crashing or cannot start; the supervisor gave up.' },
  HEXD_NATIVE_REQUEST: { status: 500, exit: EX.SOFTWARE, summary: 'The native worker answered a request with an error (malformed or unknown request).' },
  HEXD_RING_FULL: { status: 503, exit: EX.TEMPFAIL, summary: 'The shared-memory request ring has no room for the request; nothing was sent.' },
  HEXD_TUI_NO_TTY: { status: 400, exit: EX.USAGE, summary: 'hexd tui was started without an interactive terminal (stdin and stdout must be a TTY).' },
  HEXD_NOT_CONNECTED: { status: 503, exit: EX.UNAVAILABLE, summary: 'hexd tui could not send an action: it is not connected to the daemon (yet); the action was not sent.' },
  HEXD_VERSION_BAD_PATH: { status: 400, exit: EX.USAGE, summary: 'A /versions/<alias or commit>/<path> pseudofile path, alias or revision is malformed.' },
  HEXD_VERSION_UNKNOWN: { status: 404, exit: EX.NOINPUT, summary: 'A /versions/ alias is not in the linkage file (versions/links.jsonl).' },
  HEXD_VERSION_NOT_FOUND: { status: 404, exit: EX.NOINPUT, summary: 'A revision is not a commit of this repository, or the path is not in that commit.' },
  HEXD_VERSION_LINK_EXISTS: { status: 409, exit: EX.DATAERR, summary: 'A /versions/ alias is already linked to another commit (links are append-only).' },
  HEXD_VERSION_GIT: { status: 503, exit: EX.UNAVAILABLE, summary: 'git (or tar) cannot be run, or this is not a git checkout: /versions/ has no history to read.' },
  HEXD_VIEWER_NOT_BUILT: { status: 503, exit: EX.UNAVAILABLE, summary: 'The web viewer is not built (viewer/dist/index.html is missing): run `npm run build:viewer`.' },
  HEXD_INTERNAL: { status: 500, exit: EX.SOFTWARE, summary: 'An unexpected internal failure (a bug).' },
} as const satisfies Record<string, ErrorSpec>

export type ErrorCode = keyof typeof ERRORS

/** An error with a documented code, an optional offending field, and extra details. */
export class HexdError extends Error {
  readonly code: ErrorCode
  readonly field?: string
  readonly details?: Record<string, unknown>
  constructor(code: ErrorCode, message: string, opts: { field?: string; details?: Record<string, unknown>; cause?: unknown } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause })
    this.name = 'HexdError'
    this.code = code
    this.field = opts.field
    this.details = opts.details
  }
  get status(): number { return ERRORS[this.code].status }
  get exitCode(): number { return ERRORS[this.code].exit }
  /** The JSON body sent to HTTP clients and printed by `--json` commands. */
  toJSON(): { error: { code: ErrorCode; message: string; field?: string; details?: Record<string, unknown> } } {
    return { error: { code: this.code, message: this.message, ...(this.field ? { field: this.field } : {}), ...(this.details ? { details: this.details } : {}) } }
  }
}
