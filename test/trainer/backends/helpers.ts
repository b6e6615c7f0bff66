/** Runs the same computation on the cpu and wasm backends from the same inputs. */
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../../../src/trainer/backends/index.js';

export interface Input {
  shape: number[];
  values: Float32Array;
}

/** Deterministic pseudo-random values in [-1, 1) (a small LCG: the tests must not depend on tfjs seeding). */
export function randomInput(shape: number[], seed: number): Input {
  const values = new Float32Array(shape.reduce((a, b) => a * b, 1));
  let state = seed >>> 0 || 1;
  for (let i = 0; i < values.length; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    values[i] = state / 2 ** 31 - 1;
  }
  return { shape, values };
}

let wasmReady: Promise<unknown> | undefined;

/** Makes sure the wasm backend (threaded, with the training kernels) exists, then runs `compute` on `backend`. */
export async function runOn(
  backend: 'cpu' | 'wasm',
  inputs: Input[],
  compute: (...tensors: tf.Tensor[]) => tf.Tensor[],
): Promise<Float32Array[]> {
  wasmReady ??= selectBackend('wasm');
  await wasmReady;
  await tf.setBackend(backend);
  return tf.tidy(() => compute(...inputs.map((i) => tf.tensor(i.values, i.shape)))).map((t) => {
    const values = t.dataSync() as Float32Array;
    t.dispose();
    return values;
  });
}

/** Largest |a - b| relative to the largest |b| (so near-zero entries do not dominate). */
export function relativeError(actual: Float32Array, expected: Float32Array): number {
  if (actual.length !== expected.length) return Infinity;
  let scale = 1e-12;
  let worst = 0;
  for (let i = 0; i < expected.length; i++) scale = Math.max(scale, Math.abs(expected[i]));
  for (let i = 0; i < expected.length; i++) worst = Math.max(worst, Math.abs(actual[i] - expected[i]));
  return worst / scale;
}
