/**
 * Sum for wasm. The package reduces only innermost axes and transposes the whole input first otherwise; the
 * bias gradients of every layer (a sum over all axes but the channels) pay a full transpose for it. A sum
 * over the leading axes is instead batch norm's per-channel sum pass (SIMD, on the kernel pool's threads,
 * folded in float64) where the channels are a multiple of 4, else XNNPACK's average pooling of [1, M, 1, C] over
 * an M x 1 window, times M (a product with a row of ones was as fast alone but 10x slower inside training: it
 * packs a copy of the input).
 */
import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { simdChannelTotals } from './batch-norm-passes.js';
import { KernelComposer, wasmOverride } from './compose.js';
import { averageOverLeadingAxes, reducedShape, reducesLeadingAxes } from './mean.js';

interface Attrs {
  axis: number | number[];
  keepDims: boolean;
}

function sum(inputs: Record<'x', tf.TensorInfo>, backend: tf.KernelBackend, attrs: Attrs, original: tf.KernelConfig): tf.TensorInfo {
  const { x } = inputs;
  const k = new KernelComposer(backend, 'Sum');
  if (!reducesLeadingAxes(x, attrs.axis)) return k.finish(k.runConfig(original, { x }, { ...attrs })[0]);
  const wasm = backend as unknown as BackendWasm;
  const totals = simdChannelTotals(wasm, x);
  if (totals !== null) {
    const out = wasm.makeOutput(reducedShape(x, attrs.keepDims), 'float32');
    (wasm.typedArrayFromHeap(out) as Float32Array).set(totals);
    return out;
  }
  const { average, rows } = averageOverLeadingAxes(k, x);
  const count = k.run('Fill', {}, { shape: [], value: rows, dtype: 'float32' });
  const total = k.run('Multiply', { a: average, b: count });
  return k.finish(k.reshape(total, reducedShape(x, attrs.keepDims)));
}

export const sumOverride = (original: tf.KernelConfig) => wasmOverride(original, sum);
