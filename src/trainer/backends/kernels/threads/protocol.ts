/**
 * What the kernel pool (pool.ts) and its threads (worker.ts) share. A job is a list of pieces (each a list of
 * calls of heap-module exports) that threads claim one at a time from a counter, so a thread that wakes late
 * takes fewer pieces and the caller never waits for a thread that has not started. The control words live in
 * one SharedArrayBuffer, each group on its own 64-byte line:
 *
 * - WAKE: the job's epoch, which threads wait on;
 * - NEXT and PIECES: (epoch << 16) | the next unclaimed piece, (epoch << 16) | the job's piece count (PIECES
 *   written first: a thread that reads NEXT of epoch e and PIECES of another has found a job that has ended);
 * - DONE, FAILED: pieces finished in this job, and whether one threw (its error then comes on the port);
 * - BY_WORKERS: pieces the workers have run, ever (what tests and benchmarks look at);
 * - READY + i: thread i has started.
 *
 * The program (a SharedArrayBuffer of the pool's, sent again when it grows) holds each piece's first call and
 * call count, then the calls, CALL_INTS i32 each.
 */

export const WAKE = 0;
export const NEXT = 16;
export const PIECES = 17;
export const DONE = 32;
export const FAILED = 33;
export const BY_WORKERS = 34;
export const READY = 48;
export const MAX_WORKERS = 16;
export const CONTROL_INTS = READY + MAX_WORKERS;

export const EPOCHS = 1 << 15;
export const MAX_PIECES = 1 << 16;

/** A call: module id, export index, argument count, then the arguments (byte addresses and counts). */
export const CALL_INTS = 20;
export const MAX_ARGS = CALL_INTS - 3;

/** Sent on a thread's port before the job that needs it; threads read their port before each piece they take. */
export type PoolMessage = { kind: 'module'; id: number; compiled: object } | { kind: 'program'; buffer: SharedArrayBuffer };

export interface ThreadData {
  memory: object;
  control: SharedArrayBuffer;
  index: number;
  port: unknown;
}

/** The next piece of the running job, claimed for the calling thread; -1 when there is none. */
export function claimPiece(ctl: Int32Array): number {
  for (;;) {
    const next = Atomics.load(ctl, NEXT);
    const pieces = Atomics.load(ctl, PIECES);
    if (pieces >>> 16 !== next >>> 16 || (next & 0xffff) >= (pieces & 0xffff)) return -1;
    if (Atomics.compareExchange(ctl, NEXT, next, next + 1) === next) return next & 0xffff;
  }
}
