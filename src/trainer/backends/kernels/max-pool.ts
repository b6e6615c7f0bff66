/**
 * MaxPool for wasm. The package runs XNNPACK's pooling on one thread; 2x2 windows with stride 2 that tile
 * the input (the pools the spaces propose, over channels a multiple of 4) run here as a SIMD loop split over
 * the kernel pool's threads. Other pools go to the package's kernel.
 */
import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { wasmOverride } from './compose.js';
import { heapAddress } from './heap-module.js';
import { maxPoolLoops, overOutputRows } from './max-pool-simd.js';
import { tiledPool, type PoolAttrs } from './pool-tiles.js';

function maxPool(inputs: Record<'x', tf.TensorInfo>, backend: tf.KernelBackend, attrs: PoolAttrs, original: tf.KernelConfig): tf.TensorInfo {
  const { x } = inputs;
  const wasm = backend as unknown as BackendWasm;
  const info = tiledPool(x, attrs);
  const loops = info === null ? null : maxPoolLoops(wasm);
  if (info === null || loops === null) return original.kernelFunc({ inputs, backend, attrs: attrs as unknown as tf.NamedAttrMap }) as tf.TensorInfo;
  const out = wasm.makeOutput(info.outShape, 'float32');
  const [xAt, yAt] = [heapAddress(wasm, x), heapAddress(wasm, out)];
  overOutputRows(wasm, x.shape, loops, 'pool', [[xAt, 2], [yAt, 0.5]]);
  return out;
}

export const maxPoolOverride = (original: tf.KernelConfig) => wasmOverride(original, maxPool);
