/**
 * AvgPool and AvgPoolGrad for wasm. The package runs the pool by XNNPACK on one thread and its gradient as a
 * scalar loop (21 ms of a 311 ms step of the panel's c1 at 2 threads: 64x16x16x128). 2x2 windows with stride 2
 * that tile the input, over channels a multiple of 4 (the average pools the spaces propose), run here as SIMD
 * loops split over the kernel pool's threads; other pools go to the package's kernels.
 */
import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { wasmOverride } from './compose.js';
import { heapAddress } from './heap-module.js';
import { avgPoolLoops, type AvgPoolLoops } from './avg-pool-simd.js';
import { tilesTwoByTwo } from './max-pool-grad.js';
import { overOutputRows } from './max-pool-simd.js';

interface Attrs {
  filterSize: [number, number] | number;
  strides: [number, number] | number;
  pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

/** The loops where a pool over an input of this shape and dtype tiles it in 2x2 windows, else null. */
function tileLoops(backend: BackendWasm, input: tf.TensorInfo, attrs: Attrs): { info: tf.backend_util.Conv2DInfo; loops: AvgPoolLoops } | null {
  if (input.shape.length !== 4 || input.dtype !== 'float32') return null;
  const info = tf.backend_util.computePool2DInfo(input.shape as [number, number, number, number], attrs.filterSize, attrs.strides, 1, attrs.pad, attrs.dimRoundingMode);
  if (!tilesTwoByTwo(info) || info.inChannels % 4 !== 0 || info.outHeight === 0 || info.outWidth === 0) return null;
  const loops = avgPoolLoops(backend);
  return loops === null ? null : { info, loops };
}

function avgPool(inputs: Record<'x', tf.TensorInfo>, backend: tf.KernelBackend, attrs: Attrs, original: tf.KernelConfig): tf.TensorInfo {
  const wasm = backend as unknown as BackendWasm;
  const tiled = tileLoops(wasm, inputs.x, attrs);
  if (tiled === null) return original.kernelFunc({ inputs, backend, attrs: attrs as unknown as tf.NamedAttrMap }) as tf.TensorInfo;
  const out = wasm.makeOutput(tiled.info.outShape, 'float32');
  overOutputRows(wasm, inputs.x.shape, tiled.loops, 'average', [[heapAddress(wasm, inputs.x), 2], [heapAddress(wasm, out), 0.5]]);
  return out;
}

function avgPoolGrad(inputs: Record<'dy' | 'input', tf.TensorInfo>, backend: tf.KernelBackend, attrs: Attrs, original: tf.KernelConfig): tf.TensorInfo {
  const wasm = backend as unknown as BackendWasm;
  const tiled = tileLoops(wasm, inputs.input, attrs);
  if (tiled === null) return original.kernelFunc({ inputs, backend, attrs: attrs as unknown as tf.NamedAttrMap }) as tf.TensorInfo;
  const out = wasm.makeOutput(inputs.input.shape, 'float32');
  overOutputRows(wasm, inputs.input.shape, tiled.loops, 'averageGradient', [[heapAddress(wasm, out), 2], [heapAddress(wasm, inputs.dy), 0.5]]);
  return out;
}

export const avgPoolOverride = (original: tf.KernelConfig) => wasmOverride(original, avgPool);
export const avgPoolGradOverride = (original: tf.KernelConfig) => wasmOverride(original, avgPoolGrad);
