/** The store's pino logger (JSON to stderr, like every hexd log). */
import pino from 'pino'

export const log = pino({ name: 'hexd.store', level: process.env.HEXD_LOG_LEVEL ?? 'info' }, pino.destination(2))
