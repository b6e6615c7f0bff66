/**
 * One Adam update of a variable as a single loop over the wasm heap: tfjs's AdamOptimizer spends about 13
 * elementwise kernels (each a pass over memory, single-threaded on wasm) per variable and step, which on a
 * small CNN costs as much as its forward convolutions. Same arithmetic as tfjs's Adam:
 *   m' = b1 m + (1 - b1) g,  v' = b2 v + (1 - b2) g^2,  x' = x - lr (m' / c1) / (sqrt(v' / c2) + eps)
 * with c1 = 1 - b1^t and c2 = 1 - b2^t given by the caller. Outputs [x', m', v']. A SIMD loop
 * (adam-simd.ts) over whole vectors of 4, this loop over the rest.
 */
import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { adamLoops } from './adam-simd.js';
import { heapBuffer, withScratch } from './heap-module.js';
import { runElementwise } from './threads/row-pieces.js';

export const ADAM_UPDATE_KERNEL = 'NasAdamUpdate';

export interface AdamUpdateAttrs {
  learningRate: number;
  beta1: number;
  beta2: number;
  epsilon: number;
  /** 1 - beta1^t */
  correction1: number;
  /** 1 - beta2^t */
  correction2: number;
}

function adamUpdate({ inputs, backend, attrs }: { inputs: tf.NamedTensorInfoMap; backend: tf.KernelBackend; attrs?: tf.NamedAttrMap }): tf.TensorInfo[] {
  const { x, g, m, v } = inputs as Record<'x' | 'g' | 'm' | 'v', tf.TensorInfo>;
  const { learningRate, beta1, beta2, epsilon, correction1, correction2 } = attrs as unknown as AdamUpdateAttrs;
  const wasm = backend as unknown as BackendWasm;
  const outputs = [wasm.makeOutput(x.shape, 'float32'), wasm.makeOutput(x.shape, 'float32'), wasm.makeOutput(x.shape, 'float32')];
  const step = learningRate / correction1;
  const rootCorrection2 = Math.sqrt(correction2);
  withScratch(wasm, 28, (constants) => {
    // Views only after the allocations above: growing the heap detaches earlier ones.
    const [xOut, mOut, vOut] = outputs.map((t) => wasm.typedArrayFromHeap(t) as Float32Array);
    const [xIn, gIn, mIn, vIn] = [x, g, m, v].map((t) => wasm.typedArrayFromHeap(t) as Float32Array);
    const loops = adamLoops(wasm);
    const whole = loops === null ? 0 : xIn.length - (xIn.length % 4);
    if (loops !== null && whole > 0) {
      new Float32Array(heapBuffer(wasm), constants, 7).set([beta1, 1 - beta1, beta2, 1 - beta2, step, 1 / rootCorrection2, epsilon]);
      const [xAt, gAt, mAt, vAt, xoAt, moAt, voAt] = [xIn, gIn, mIn, vIn, xOut, mOut, vOut].map((a) => a.byteOffset);
      runElementwise(wasm, loops, 'update', [xAt, gAt, mAt, vAt, xoAt, moAt, voAt], 4 * whole, [constants]);
    }
    for (let i = whole; i < xIn.length; i++) {
      const gradient = gIn[i];
      const first = beta1 * mIn[i] + (1 - beta1) * gradient;
      const second = beta2 * vIn[i] + (1 - beta2) * gradient * gradient;
      mOut[i] = first;
      vOut[i] = second;
      xOut[i] = xIn[i] - (step * first) / (Math.sqrt(second) / rootCorrection2 + epsilon);
    }
  });
  return outputs;
}

export const adamUpdateConfig: tf.KernelConfig = { kernelName: ADAM_UPDATE_KERNEL, backendName: 'wasm', kernelFunc: adamUpdate as tf.KernelFunc };
