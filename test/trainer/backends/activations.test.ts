/**
 * ReLU, ReLU's gradient and ELU's gradient by SIMD loops on wasm (kernels/activations.ts) against the cpu
 * backend: on the panel's activations (conv outputs of 32-128 channels, dense layers), on sizes that are
 * not a multiple of 4, and on NaN, infinities and signed zeros.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { randomInput, relativeError, runOn, type Input } from './helpers.js';

const TOLERANCE = 1e-4;

function activationsAndGradients(x: tf.Tensor, r: tf.Tensor): tf.Tensor[] {
  const relu = tf.grad((a: tf.Tensor) => tf.sum(tf.mul(tf.relu(a), r)));
  const elu = tf.grad((a: tf.Tensor) => tf.sum(tf.mul(tf.elu(a), r)));
  return [tf.relu(x), relu(x), elu(x)];
}

const OUTPUTS = ['relu', 'relu gradient', 'elu gradient'];

async function compare(x: Input, r: Input, exact: boolean): Promise<void> {
  const expected = await runOn('cpu', [x, r], activationsAndGradients);
  const actual = await runOn('wasm', [x, r], activationsAndGradients);
  expected.forEach((e, i) => {
    if (exact) assert.deepEqual(Array.from(actual[i]), Array.from(e), OUTPUTS[i]);
    else assert.ok(relativeError(actual[i], e) < TOLERANCE, `${OUTPUTS[i]}: relative error ${relativeError(actual[i], e)}`);
  });
}

describe('SIMD activations and their gradients match cpu', () => {
  const shapes = [[4, 28, 28, 32], [4, 14, 14, 64], [8, 7, 7, 128], [64, 256], [3, 5, 7], [13]];
  for (const shape of shapes) {
    it(`on ${shape.join('x')}`, async () => {
      await compare(randomInput(shape, shape.length), randomInput(shape, 7), false);
    });
  }

  it('on NaN, infinities, zeros of both signs and values around zero, in the loops and in the tail', async () => {
    const special = [NaN, Infinity, -Infinity, 0, -0, 1e-30, -1e-30, 2, -2, 0.5, -0.5, 3e38, -3e38];
    const values = Float32Array.from({ length: 31 }, (_, i) => special[i % special.length]);
    const upstream = Float32Array.from({ length: 31 }, (_, i) => [1, -2, Infinity, 0, NaN, 0.25][i % 6]);
    await compare({ shape: [31], values }, { shape: [31], values: upstream }, true);
  });
});
