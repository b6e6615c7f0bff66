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
import { overOutputRows } from './max-pool-simd.js';
import { tiledPool, type PoolAttrs } from './pool-tiles.js';

/** The geometry of a pool that the tile loops take, and the loops, or null. */
function tileLoops(backend: BackendWasm, input: tf.TensorInfo, attrs: PoolAttrs): { info: tf.backend_util.Conv2DInfo; loops: AvgPoolLoops } | null {
  const info = tiledPool(input, attrs);
  const loops = info === null ? null : avgPoolLoops(backend);
  return info === null || loops === null ? null : { info, loops };
}

function avgPool(inputs: Record<'x', tf.TensorInfo>, backend: tf.KernelBackend, attrs: PoolAttrs, original: tf.KernelConfig): tf.TensorInfo {
  const wasm = backend as unknown as BackendWasm;
  const tiled = tileLoops(wasm, inputs.x, attrs);
  if (tiled === null) return original.kernelFunc({ inputs, backend, attrs: attrs as unknown as tf.NamedAttrMap }) as tf.TensorInfo;
  const out = wasm.makeOutput(tiled.info.outShape, 'float32');
  overOutputRows(wasm, inputs.x.shape, tiled.loops, 'average', [[heapAddress(wasm, inputs.x), 2], [heapAddress(wasm, out), 0.5]]);
  return out;
}

function avgPoolGrad(inputs: Record<'dy' | 'input', tf.TensorInfo>, backend: tf.KernelBackend, attrs: PoolAttrs, original: tf.KernelConfig): tf.TensorInfo {
  const wasm = backend as unknown as BackendWasm;
  const tiled = tileLoops(wasm, inputs.input, attrs);
  if (tiled === null) return original.kernelFunc({ inputs, backend, attrs: attrs as unknown as tf.NamedAttrMap }) as tf.TensorInfo;
  const out = wasm.makeOutput(inputs.input.shape, 'float32');
  overOutputRows(wasm, inputs.input.shape, tiled.loops, 'averageGradient', [[heapAddress(wasm, out), 2], [heapAddress(wasm, inputs.dy), 0.5]]);
  return out;
}

export const avgPoolOverride = (original: tf.KernelConfig) => wasmOverride(original, avgPool);
export const avgPoolGradOverride = (original: tf.KernelConfig) => wasmOverride(original, avgPoolGrad);
