/**
 * The request/response protocol spoken over the region's rings. The numbers
 * mirror cc/loop.h and cc/kernel.h; docs/NATIVE.md describes every frame.
 */

/** Request types (a response carries its request's type, or RESP_ERROR). */
export const REQ = {
  PING: 1,      // echo the payload (benchmarks, liveness)
  INFO: 2,      // -> u32 pid, u32 worker generation, u32 kernel threads
  READ_STATE: 3, // u64 offset, u32 len -> those state bytes (as the worker sees them)
} as const

/** A worker's error answer: the payload is a UTF-8 message. */
export const RESP_ERROR = 0x7fffffff

/** A decoded response frame. */
export interface Frame { seq: number; type: number; payload: Buffer }

/** Splits the addon's flat [seq, type, payload, ...] array into frames. */
export function framesOf(flat: Array<number | Buffer>): Frame[] {
  const out: Frame[] = []
  for (let i = 0; i < flat.length; i += 3) {
    out.push({ seq: flat[i] as number, type: flat[i + 1] as number, payload: flat[i + 2] as Buffer })
  }
  return out
}

/** Payload of a READ_STATE request. */
export function readStatePayload(offset: number, len: number): Uint8Array {
  const b = Buffer.alloc(12)
  b.writeBigUInt64LE(BigInt(offset), 0)
  b.writeUInt32LE(len, 8)
  return b
}
