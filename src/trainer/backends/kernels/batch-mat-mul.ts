/**
 * BatchMatMul for wasm. Single products of a batch's rows (a dense layer's gradients) by dense-product.ts
 * where it applies. The package sends XNNPACK only untransposed products of one matrix pair; anything
 * else (a transposed operand, as in every dense layer's gradients, or a batch) runs as a scalar loop. Here
 * operands are transposed explicitly and batches split, so that every product takes the XNNPACK path, and
 * large right operands are split into blocks that XNNPACK packs at cache speed (see product.ts).
 *
 * a x bᵀ (a dense layer's input gradient, dy [batch, units] by the kernel [inputs, units]ᵀ) runs in dot-product
 * form (dot-product.ts), reading both as they lie. Where that does not apply (units not a multiple of 4, as a
 * classifier's 10), b is transposed for dense-product.ts; failing both, and b large, it is computed as (b x aᵀ)ᵀ:
 * the small dy is transposed and packed instead of the whole kernel.
 */
import * as tf from '@tensorflow/tfjs';
import { KernelComposer, wasmOverride } from './compose.js';
import { denseProduct, MAX_ROWS } from './dense-product.js';
import { dotProduct } from './dot-product.js';
import { blockedProduct, type Multiply } from './product.js';

interface Attrs {
  transposeA: boolean;
  transposeB: boolean;
}

function batchMatMul(inputs: Record<'a' | 'b', tf.TensorInfo>, backend: tf.KernelBackend, attrs: Attrs, original: tf.KernelConfig): tf.TensorInfo {
  const { a, b } = inputs;
  const batchA = batchSize(a);
  const batchB = batchSize(b);
  const k = new KernelComposer(backend, 'BatchMatMul');
  const multiply: Multiply = (x, y) => k.runConfig(original, { a: x, b: y }, { transposeA: false, transposeB: false })[0];
  if (batchA === 1 && batchB === 1) return k.finish(singleProduct(k, multiply, a, b, attrs));
  const a3 = asBatchOfMatrices(k, a, batchA, attrs.transposeA);
  const b3 = asBatchOfMatrices(k, b, batchB, attrs.transposeB);
  const [, m, inner] = a3.shape;
  const n = b3.shape[2];
  const batch = Math.max(batchA, batchB);
  const products: tf.TensorInfo[] = [];
  for (let i = 0; i < batch; i++) {
    const ai = batchA === 1 ? a3 : k.slice(a3, [i, 0, 0], [1, m, inner]);
    const bi = batchB === 1 ? b3 : k.slice(b3, [i, 0, 0], [1, inner, n]);
    products.push(blockedProduct(k, multiply, ai, bi));
  }
  const outer = tf.backend_util.assertAndGetBroadcastShape(a.shape.slice(0, -2), b.shape.slice(0, -2));
  return k.finish(k.reshape(k.concat(products, 0), [...outer, m, n]));
}

/** One product of two matrices (shapes [..., rows, cols] with a batch of 1), as [...outer, M, N]. */
function singleProduct(k: KernelComposer, multiply: Multiply, a: tf.TensorInfo, b: tf.TensorInfo, attrs: Attrs): tf.TensorInfo {
  const outer = tf.backend_util.assertAndGetBroadcastShape(a.shape.slice(0, -2), b.shape.slice(0, -2));
  if (!attrs.transposeB) {
    const [a3, b3] = [k.reshape(a, [1, ...a.shape.slice(-2)]), k.reshape(b, [1, ...b.shape.slice(-2)])];
    const narrow = attrs.transposeA ? narrowWeightGradient(k, a3, b3) : null;
    if (narrow !== null) return k.reshape(narrow, [...outer, ...narrow.shape.slice(1)]);
    const dense = denseProduct(k.backend, a3, b3, attrs.transposeA);
    if (dense !== null) return k.reshape(k.adopt(dense), [...outer, ...dense.shape.slice(1)]);
  }
  const a3 = asBatchOfMatrices(k, a, 1, attrs.transposeA);
  const [, m, inner] = a3.shape;
  if (attrs.transposeB && !attrs.transposeA) {
    const b3 = k.reshape(b, [1, ...b.shape.slice(-2)]);
    const dots = dotProduct(k.backend, a3, b3);
    if (dots !== null) return k.reshape(k.adopt(dots), [...outer, m, dots.shape[2]]);
    // Units the dot form does not take (a classifier's 10): b transposed, then the dense loops.
    const dense = m <= MAX_ROWS ? denseProduct(k.backend, a3, k.transpose(b3, [0, 2, 1]), false) : null;
    if (dense !== null) return k.reshape(k.adopt(dense), [...outer, m, dense.shape[2]]);
    const n = b3.shape[1];
    // Transposing a and the result instead of b: worth it when b holds more elements than both together.
    if (n * inner > m * inner + m * n) {
      const swapped = blockedProduct(k, multiply, b3, k.transpose(a3, [0, 2, 1]));
      return k.reshape(k.transpose(swapped, [0, 2, 1]), [...outer, m, n]);
    }
  }
  const b3 = asBatchOfMatrices(k, b, 1, attrs.transposeB);
  return k.reshape(blockedProduct(k, multiply, a3, b3), [...outer, m, b3.shape[2]]);
}

/**
 * aᵀ b for a [1, K, M] and a b [1, K, N] of few columns that are not a multiple of 8 (a classifier's weight
 * gradient xᵀ dy, dy [batch, 10]) as (bᵀ a)ᵀ: the loops take 8 columns at a time, so 10 columns cost 16, where
 * the swapped product's columns are a's M (a multiple of 8) and its [N, M] result is cheap to transpose. Null
 * where that does not apply.
 */
function narrowWeightGradient(k: KernelComposer, a: tf.TensorInfo, b: tf.TensorInfo): tf.TensorInfo | null {
  const [m, n] = [a.shape[2], b.shape[2]];
  if (n % 8 === 0 || m % 8 !== 0 || m < 8 * n) return null;
  const swapped = denseProduct(k.backend, b, a, true);
  return swapped === null ? null : k.transpose(k.adopt(swapped), [0, 2, 1]);
}

function batchSize(t: tf.TensorInfo): number {
  return tf.util.sizeFromShape(t.shape.slice(0, -2));
}

/** [batch, rows, cols] of the operand as it enters the product (transposed when asked). */
function asBatchOfMatrices(k: KernelComposer, t: tf.TensorInfo, batch: number, transpose: boolean): tf.TensorInfo {
  const [rows, cols] = t.shape.slice(-2);
  const t3 = k.reshape(t, [batch, rows, cols]);
  return transpose ? k.transpose(t3, [0, 2, 1]) : t3;
}

export const batchMatMulOverride = (original: tf.KernelConfig) => wasmOverride(original, batchMatMul);
