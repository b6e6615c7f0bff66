/**
 * Identity for wasm without a copy. The package's kernel copies the data, and tfjs-core clones (Identity) every
 * tensor a kernel saves for the backward pass, so on a small CNN it copied about 10 MB per step (5 % of it).
 * As the cpu backend and wasm's own Reshape do, the output shares the input's data and its reference count
 * goes up; no kernel writes into its inputs, so sharing is safe.
 */
import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { wasmOverride } from './compose.js';

function identity(inputs: Record<'x', tf.TensorInfo>, backend: tf.KernelBackend, _attrs: unknown, original: tf.KernelConfig): tf.TensorInfo {
  const { x } = inputs;
  if (x.dtype === 'string') return original.kernelFunc({ inputs, backend, attrs: {} }) as tf.TensorInfo;
  (backend as unknown as BackendWasm).incRef(x.dataId);
  return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
}

export const identityOverride = (original: tf.KernelConfig) => wasmOverride(original, identity);
