/**
 * BatchMatMul for wasm. The package sends XNNPACK only untransposed products of one matrix pair; anything
 * else (a transposed operand, as in every dense layer's gradients, or a batch) runs as a scalar loop. Here
 * operands are transposed explicitly and batches split, so that every product takes the XNNPACK path.
 */
import * as tf from '@tensorflow/tfjs';
import { KernelComposer, wasmOverride } from './compose.js';

interface Attrs {
  transposeA: boolean;
  transposeB: boolean;
}

function batchMatMul(inputs: Record<'a' | 'b', tf.TensorInfo>, backend: tf.KernelBackend, attrs: Attrs, original: tf.KernelConfig): tf.TensorInfo {
  const { a, b } = inputs;
  const batchA = batchSize(a);
  const batchB = batchSize(b);
  const k = new KernelComposer(backend, 'BatchMatMul');
  const plain = { transposeA: false, transposeB: false };
  if (!attrs.transposeA && !attrs.transposeB && batchA === 1 && batchB === 1) {
    return k.finish(k.runConfig(original, { a, b }, plain)[0]);
  }
  const a3 = asBatchOfMatrices(k, a, batchA, attrs.transposeA);
  const b3 = asBatchOfMatrices(k, b, batchB, attrs.transposeB);
  const [, m, inner] = a3.shape;
  const n = b3.shape[2];
  const batch = Math.max(batchA, batchB);
  const products: tf.TensorInfo[] = [];
  for (let i = 0; i < batch; i++) {
    const ai = batchA === 1 ? a3 : k.slice(a3, [i, 0, 0], [1, m, inner]);
    const bi = batchB === 1 ? b3 : k.slice(b3, [i, 0, 0], [1, inner, n]);
    products.push(k.runConfig(original, { a: ai, b: bi }, plain)[0]);
  }
  const outer = tf.backend_util.assertAndGetBroadcastShape(a.shape.slice(0, -2), b.shape.slice(0, -2));
  return k.finish(k.reshape(k.concat(products, 0), [...outer, m, n]));
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
