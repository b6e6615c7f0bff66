/**
 * a bᵀ for a [1, M, U] and b [1, J, U] (a dense layer's input gradient dy Wᵀ) by the loops of dot-product-simd.ts,
 * on the kernel pool's threads where it is big enough, each piece a range of b's rows (of out's columns), so the
 * numbers do not depend on the thread count.
 */
import type * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { BLOCK_COLUMNS, dotLoops } from './dot-product-simd.js';
import { heapAddress } from './heap-module.js';
import { MIN_PARALLEL_MACS } from './threaded-product.js';
import { kernelPool, runCalls, type Call } from './threads/pool.js';
import { splitRange } from './threads/split.js';

const PIECES_PER_THREAD = 4;

/** Blocks of b's rows per unit of a piece: 64 bytes of each row of out, so no two threads write one cache line. */
const BLOCKS_PER_UNIT = 16 / BLOCK_COLUMNS;

/** As [1, M, J]; null where the loops do not apply (M odd, J not a multiple of 4, U not a multiple of 4, not float32). */
export function dotProduct(backend: tf.KernelBackend, a: tf.TensorInfo, b: tf.TensorInfo): tf.TensorInfo | null {
  const wasm = backend as unknown as BackendWasm;
  const [, m, units] = a.shape;
  const [, n, unitsB] = b.shape;
  if (unitsB !== units || a.dtype !== 'float32' || b.dtype !== 'float32') return null;
  if (m % 2 !== 0 || n % BLOCK_COLUMNS !== 0 || units % 4 !== 0 || m * n * units === 0) return null;
  const loops = dotLoops(wasm);
  if (loops === null) return null;
  const out = wasm.makeOutput([1, m, n], 'float32');
  const [aAt, bAt, outAt] = [heapAddress(wasm, a), heapAddress(wasm, b), heapAddress(wasm, out)];
  const blocks = n / BLOCK_COLUMNS;
  const piece = ([first, end]: [number, number]): Call[] => [{ loops, fn: 'dots', args: [aAt, m / 2, bAt, first, end, 4 * units, outAt, 4 * n] }];
  const pool = m * n * units >= MIN_PARALLEL_MACS ? kernelPool(wasm) : null;
  const threads = pool?.threads() ?? 1;
  if (pool === null || threads === 1) runCalls(piece([0, blocks]));
  else pool.run(splitRange(blocks, PIECES_PER_THREAD * threads, BLOCKS_PER_UNIT).map(piece));
  return out;
}
