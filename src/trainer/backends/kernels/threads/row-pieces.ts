/**
 * Streaming passes (activations, Adam, batch norm, max-pool gradient) on the kernel pool's threads: rows of
 * the pass cut into PIECES_PER_THREAD pieces per thread where the pass touches enough memory, one piece of
 * all rows otherwise.
 */
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { kernelPool, runCalls, type Call } from './pool.js';
import { splitRange } from './split.js';

/**
 * Bytes a pass must touch for threads to pay (kernel-pool-dispatch.js, 2 threads, ReLU reading and writing
 * 4 bytes an element): 2 MiB took 62 µs on one thread and on two, 8 MiB 313 and 178, 32 MiB 1271 and 651.
 */
export const MIN_PARALLEL_BYTES = 4 << 20;

const PIECES_PER_THREAD = 4;

export interface RowPieces {
  /** [first, end) row ranges, each starting at a multiple of the unit asked for. */
  ranges: [number, number][];
  /** Runs one list of calls per range (on the pool's threads where there is more than one). */
  run(pieces: Call[][]): void;
}

export function rowPieces(wasm: BackendWasm, rows: number, unit: number, bytes: number): RowPieces {
  const pool = bytes >= MIN_PARALLEL_BYTES ? kernelPool(wasm) : null;
  const threads = pool?.threads() ?? 1;
  if (pool === null || threads === 1) return { ranges: [[0, rows]], run: (pieces) => pieces.forEach(runCalls) };
  const ranges = splitRange(rows, PIECES_PER_THREAD * threads, unit);
  return { ranges, run: (pieces) => (pieces.length === 1 ? runCalls(pieces[0]) : pool.run(pieces)) };
}

/**
 * A loop over `bytes` bytes (a multiple of 16) of each address in `addresses` (inputs and outputs):
 * `fn(...addresses, bytes, ...after)`, cut into pieces of whole cache lines. With `firstIndex`, each piece's
 * call also gets the index of its first float32 element after `bytes` (for loops whose values depend on it).
 */
export function runElementwise(wasm: BackendWasm, loops: object, fn: string, addresses: number[], bytes: number, after: number[] = [], firstIndex = false): void {
  const vectors = bytes / 16;
  const { ranges, run } = rowPieces(wasm, vectors, 4, bytes * (addresses.length + 1));
  run(ranges.map(([first, end]) => [{
    loops, fn, args: [...addresses.map((a) => a + 16 * first), 16 * (end - first), ...(firstIndex ? [4 * first] : []), ...after],
  }]));
}
