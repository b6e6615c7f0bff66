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

/** A normalising op's outputs [y, mean, variance] from x, gamma and beta. */
export type NormalisingOp = (x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor) => tf.Tensor[];

/**
 * `op`'s outputs, then the gradients (x, gamma, beta) of a loss that reaches all three outputs (upstream r,
 * rMean, rVariance), then those of one that reaches y only.
 */
export function outputsAndGradients(op: NormalisingOp) {
  return (x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor, r: tf.Tensor, rMean: tf.Tensor, rVariance: tf.Tensor): tf.Tensor[] => {
    const loss = (a: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => {
      const [y, mean, variance] = op(a, g, b);
      return tf.addN([tf.sum(tf.mul(y, r)), tf.sum(tf.mul(mean, rMean)), tf.sum(tf.mul(variance, rVariance))]) as tf.Scalar;
    };
    const onlyY = (a: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(op(a, g, b)[0], r)) as tf.Scalar;
    return [...op(x, gamma, beta), ...tf.grads(loss)([x, gamma, beta]), ...tf.grads(onlyY)([x, gamma, beta])];
  };
}

const NORMALISATION_OUTPUTS = ['y', 'mean', 'variance', 'dx', 'dgamma', 'dbeta', 'dx (y only)', 'dgamma (y only)', 'dbeta (y only)'];

/** Asserts that `op(true)` on wasm gives `op(false)`'s outputs and gradients on cpu (outputsAndGradients) to `tolerance`. */
export async function assertNormalisationMatchesCpu(inputs: Input[], op: (fused: boolean) => NormalisingOp, tolerance: number): Promise<void> {
  const expected = await runOn('cpu', inputs, outputsAndGradients(op(false)));
  const actual = await runOn('wasm', inputs, outputsAndGradients(op(true)));
  expected.forEach((e, i) => {
    const error = relativeError(actual[i], e);
    if (!(error < tolerance)) throw new Error(`${NORMALISATION_OUTPUTS[i]}: relative error ${error}`);
  });
}
