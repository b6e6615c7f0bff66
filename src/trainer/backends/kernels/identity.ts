/**
 * Identity, and Cast to the dtype a tensor already has, for wasm without a copy. The package's kernel copies the
 * data, and tfjs-core clones (Identity) every tensor a kernel saves for the backward pass, so on a small CNN it
 * copied about 10 MB per step (5 % of it).
 * As the cpu backend and wasm's own Reshape do, the output shares the input's data and its reference count
 * goes up; no kernel writes into its inputs, so sharing is safe.
 *
 * A Cast to the dtype a tensor already has is the same copy: Identity's gradient is cast(dy, 'float32'), so every
 * identity on the tape (a convolution whose activation runs after its pool, for one) copied its whole gradient.
 */
import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { wasmOverride } from './compose.js';

function identity(inputs: Record<'x', tf.TensorInfo>, backend: tf.KernelBackend, _attrs: unknown, original: tf.KernelConfig): tf.TensorInfo {
  const { x } = inputs;
  if (x.dtype === 'string') return original.kernelFunc({ inputs, backend, attrs: {} }) as tf.TensorInfo;
  return shared(x, backend);
}

function cast(
  inputs: Record<'x', tf.TensorInfo>, backend: tf.KernelBackend, attrs: { dtype: tf.DataType }, original: tf.KernelConfig,
): tf.TensorInfo {
  const { x } = inputs;
  if (x.dtype === attrs.dtype && x.dtype !== 'string') return shared(x, backend);
  if (attrs.dtype === 'bool' && x.dtype !== 'string') return nonZero(x, backend as unknown as BackendWasm);
  const originalAttrs = attrs as unknown as tf.NamedAttrMap;
  return original.kernelFunc({ inputs, backend, attrs: originalAttrs }) as tf.TensorInfo;
}

/** A cast to bool is x != 0, as on cpu; the package's kernel copies the values into bytes (3 -> 3, -2 -> 254). */
function nonZero(x: tf.TensorInfo, backend: BackendWasm): tf.TensorInfo {
  const out = backend.makeOutput(x.shape, 'bool');
  const values = backend.typedArrayFromHeap(x);
  const flags = backend.typedArrayFromHeap(out);
  for (let i = 0; i < values.length; i++) flags[i] = values[i] !== 0 ? 1 : 0;
  return out;
}

function shared(x: tf.TensorInfo, backend: tf.KernelBackend): tf.TensorInfo {
  (backend as unknown as BackendWasm).incRef(x.dataId);
  return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
}

export const identityOverride = (original: tf.KernelConfig) => wasmOverride(original, identity);
export const castOverride = (original: tf.KernelConfig) => wasmOverride(original, cast);
