/**
 * Batch norm then a 2x2 max pool as one op on wasm (kernels/batch-norm-max-pool.ts) against tfjs's own path on
 * the cpu backend: tf.moments, tf.batchNorm, tf.maxPool, with autodiff's gradients. Some channels have a
 * negative scale (their windows take the minimum of x).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { assertNormalisationMatchesCpu, randomInput, runOn, type Input, type NormalisingOp } from './backends/helpers.js';
import { batchNormMaxPool, batchNormMaxPoolAvailable } from '../../src/trainer/backends/kernels/batch-norm-max-pool.js';

const TOLERANCE = 1e-4;
const EPSILON = 1e-3;

function stock(x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor): tf.Tensor[] {
  const { mean, variance } = tf.moments(x, [0, 1, 2]);
  const y = tf.batchNorm(x, mean, variance, beta as tf.Tensor1D, gamma as tf.Tensor1D, EPSILON);
  return [tf.maxPool(y as tf.Tensor4D, 2, 2, 'valid'), mean, variance];
}

function normalisationThenPool(fused: boolean): NormalisingOp {
  return (a, g, b) => (fused ? batchNormMaxPool(a as tf.Tensor4D, g as tf.Tensor1D, b as tf.Tensor1D, EPSILON) : stock(a, g, b));
}


async function assertMatchesCpu(shape: number[], offset: number, seed: number): Promise<void> {
  const [n, h, w, c] = shape;
  const x = randomInput(shape, seed);
  x.values.forEach((v, i) => (x.values[i] = offset + 2 * v + ((i % c) % 5) * 0.3));
  const gamma = randomInput([c], seed + 1);
  // Every third channel scaled by a negative gamma.
  gamma.values.forEach((v, i) => (gamma.values[i] = (i % 3 === 1 ? -1 : 1) * (1 + 0.5 * v)));
  const pooled = [n, h / 2, w / 2, c];
  const inputs: Input[] = [x, gamma, randomInput([c], seed + 2), randomInput(pooled, seed + 3), randomInput([c], seed + 4), randomInput([c], seed + 5)];
  await assertNormalisationMatchesCpu(inputs, normalisationThenPool, TOLERANCE);
}

describe('batch norm then a 2x2 max pool as one op (wasm) against moments, batchNorm and maxPool on cpu', () => {
  const cases: { shape: number[]; offset: number }[] = [
    { shape: [4, 6, 6, 16], offset: 0 },
    { shape: [8, 14, 14, 32], offset: 0.5 },
    { shape: [2, 2, 2, 4], offset: -1 },
    { shape: [3, 4, 10, 12], offset: 2 },
    // Large enough to be split over the kernel pool's threads.
    { shape: [16, 28, 28, 32], offset: 0 },
  ];
  cases.forEach(({ shape, offset }, i) => {
    it(`[${shape.join(', ')}], mean offset ${offset}: pooled y, moments and gradients`, async () => assertMatchesCpu(shape, offset, 31 + 7 * i));
  });

  it('runs only where it applies: wasm, float32 [N, H, W, C], H and W even, C a multiple of 4', async () => {
    await runOn('wasm', [], () => []);
    const cases: [number[], boolean][] = [[[2, 4, 4, 8], true], [[2, 5, 4, 8], false], [[2, 4, 6, 6], false], [[2, 4, 8], false]];
    for (const [shape, expected] of cases) assert.equal(tf.tidy(() => batchNormMaxPoolAvailable(tf.zeros(shape))), expected, `[${shape}]`);
    await runOn('cpu', [], () => []);
    assert.equal(tf.tidy(() => batchNormMaxPoolAvailable(tf.zeros([2, 4, 4, 8]))), false, 'not on the cpu backend');
  });
});

describe('batch norm then max pool keeps the chosen x in y\'s heap block', () => {
  it('frees it with y: 40 steps of forward and gradient leave the tensor count and the wasm heap as they were', async () => {
    await runOn('wasm', [], () => []);
    const x = tf.randomNormal([32, 28, 28, 32]) as tf.Tensor4D;
    const [gamma, beta] = [tf.ones([32]) as tf.Tensor1D, tf.zeros([32]) as tf.Tensor1D];
    const step = () => tf.tidy(() => {
      const loss = (a: tf.Tensor, g: tf.Tensor) => tf.sum(batchNormMaxPool(a as tf.Tensor4D, g as tf.Tensor1D, beta, EPSILON)[0]) as tf.Scalar;
      tf.grads(loss)([x, gamma]).forEach((g) => g.dataSync());
    });
    const heapBytes = () => (tf.backend() as unknown as { wasm: { HEAPU8: Uint8Array } }).wasm.HEAPU8.length;
    for (let i = 0; i < 3; i++) step();
    const [tensors, heap] = [tf.memory().numTensors, heapBytes()];
    // Each step's chosen x is 3.2 MB: 40 steps of them not freed would grow the heap by 128 MB.
    for (let i = 0; i < 40; i++) step();
    assert.equal(tf.memory().numTensors, tensors);
    assert.equal(heapBytes(), heap);
    tf.dispose([x, gamma, beta]);
  });
});
