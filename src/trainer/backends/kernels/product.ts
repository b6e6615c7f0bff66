/**
 * A plain matrix product a [1, M, K] x b [1, K, N] through the package's XNNPACK path, with b split along K
 * where it is large. XNNPACK packs its right operand into its own layout whenever that operand is a tensor it
 * has not seen, which in training is every time (weights change each step, gradients are new). Measured here
 * on one thread, packing costs 5-6 ns an element while b fits in cache and 26 ns at 6.4M elements, against
 * about 0.2 ns a multiply-add: a weight gradient with 25 rows (25 x 50176 by 50176 x 128) took 200 ms, 30 of
 * them multiplying. Products of row blocks of at most PACKED_BLOCK_ELEMENTS, summed, take 87 ms.
 */
import * as tf from '@tensorflow/tfjs';
import type { KernelComposer } from './compose.js';
import { columnBlock, rowBlock } from './heap.js';

/** 2^17 elements (512 KiB): packed at 5-6 ns an element, against 14 at 2^20 (measured, 128 columns). */
const PACKED_BLOCK_ELEMENTS = 1 << 17;

/**
 * Right operands already multiplied once. The package keeps an operand it packed until the tensor is freed,
 * so from its second product on (the same weights over the batches of an evaluation) the package's path
 * packs nothing; blocks would be packed again each time.
 */
const seenRightOperands = new WeakSet<object>();

/** The plain product of two matrices [1, M, K] and [1, K, N] that fit the package's XNNPACK path. */
export type Multiply = (a: tf.TensorInfo, b: tf.TensorInfo) => tf.TensorInfo;

/** How many row blocks a right operand [1, K, N] is packed in (1: whole). */
export function rowBlocks(b: tf.TensorInfo): number {
  if (seenRightOperands.has(b.dataId)) return 1;
  const [, inner, n] = b.shape;
  const blocks = Math.ceil((inner * n) / PACKED_BLOCK_ELEMENTS);
  return inner < 2 * blocks ? 1 : blocks;
}

export function blockedProduct(k: KernelComposer, multiply: Multiply, a: tf.TensorInfo, b: tf.TensorInfo): tf.TensorInfo {
  const inner = a.shape[2];
  const blocks = rowBlocks(b);
  if (blocks === 1) return multiply(a, b);
  seenRightOperands.add(b.dataId);
  const rows = Math.ceil(inner / blocks);
  let total: tf.TensorInfo | undefined;
  for (let start = 0; start < inner; start += rows) {
    const size = Math.min(rows, inner - start);
    const part = multiply(k.adopt(columnBlock(k.backend, a, start, size)), k.adopt(rowBlock(k.backend, b, start, size)));
    total = total === undefined ? part : k.run('Add', { a: total, b: part });
  }
  return total as tf.TensorInfo;
}
