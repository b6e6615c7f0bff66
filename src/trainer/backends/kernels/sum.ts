/**
 * Sum for wasm. The package reduces only innermost axes and transposes the whole input first otherwise; the
 * bias gradients of every layer (a sum over all axes but the channels) pay a full transpose for it. A sum
 * over the leading axes is instead one XNNPACK product with a row of ones: [1, M] x [M, C].
 */
import * as tf from '@tensorflow/tfjs';
import { KernelComposer, wasmOverride } from './compose.js';

interface Attrs {
  axis: number | number[];
  keepDims: boolean;
}

function sum(inputs: Record<'x', tf.TensorInfo>, backend: tf.KernelBackend, attrs: Attrs, original: tf.KernelConfig): tf.TensorInfo {
  const { x } = inputs;
  const rank = x.shape.length;
  const axes = tf.util.parseAxisParam(attrs.axis, x.shape).sort((p, q) => p - q);
  const k = new KernelComposer(backend, 'Sum');
  const leading = rank >= 2 && x.dtype === 'float32' && axes.length === rank - 1 && axes.every((axis, i) => axis === i);
  if (!leading) return k.finish(k.runConfig(original, { x }, { ...attrs })[0]);
  const channels = x.shape[rank - 1];
  const rows = tf.util.sizeFromShape(x.shape) / channels;
  const ones = k.run('Fill', {}, { shape: [1, 1, rows], value: 1, dtype: 'float32' });
  const total = k.run('BatchMatMul', { a: ones, b: k.reshape(x, [1, rows, channels]) }, { transposeA: false, transposeB: false });
  const shape = attrs.keepDims ? [...x.shape.slice(0, -1).map(() => 1), channels] : [channels];
  return k.finish(k.reshape(total, shape));
}

export const sumOverride = (original: tf.KernelConfig) => wasmOverride(original, sum);
