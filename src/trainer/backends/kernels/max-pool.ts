/**
 * MaxPool for wasm. The package runs XNNPACK's pooling on one thread; 2x2 windows with stride 2 that tile
 * the input (the pools the spaces propose, over channels a multiple of 4) run here as a SIMD loop split over
 * the kernel pool's threads. Other pools go to the package's kernel.
 */
import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { wasmOverride } from './compose.js';
import { heapAddress } from './heap-module.js';
import { tilesTwoByTwo } from './max-pool-grad.js';
import { maxPoolLoops, overOutputRows } from './max-pool-simd.js';

interface Attrs {
  filterSize: [number, number] | number;
  strides: [number, number] | number;
  pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

function maxPool(inputs: Record<'x', tf.TensorInfo>, backend: tf.KernelBackend, attrs: Attrs, original: tf.KernelConfig): tf.TensorInfo {
  const { x } = inputs;
  const wasm = backend as unknown as BackendWasm;
  const info = x.shape.length === 4 && x.dtype === 'float32'
    ? tf.backend_util.computePool2DInfo(x.shape as [number, number, number, number], attrs.filterSize, attrs.strides, 1, attrs.pad, attrs.dimRoundingMode)
    : null;
  const loops = info !== null && tilesTwoByTwo(info) && info.inChannels % 4 === 0 && info.outHeight > 0 ? maxPoolLoops(wasm) : null;
  if (info === null || loops === null) return original.kernelFunc({ inputs, backend, attrs: attrs as unknown as tf.NamedAttrMap }) as tf.TensorInfo;
  const out = wasm.makeOutput(info.outShape, 'float32');
  const [xAt, yAt] = [heapAddress(wasm, x), heapAddress(wasm, out)];
  overOutputRows(wasm, x.shape, loops, 'pool', [[xAt, 2], [yAt, 0.5]]);
  return out;
}

export const maxPoolOverride = (original: tf.KernelConfig) => wasmOverride(original, maxPool);
