/**
 * The SIMD max-pool gradient (kernels/max-pool-grad-simd.ts: 2x2 windows, stride 2, channels a multiple of 4)
 * against the cpu backend, on the panel's pools and on ties, NaN and infinities.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { randomInput, relativeError, runOn, type Input } from './helpers.js';

function poolGradient(x: tf.Tensor, r: tf.Tensor): tf.Tensor[] {
  return [tf.grad((a: tf.Tensor) => tf.sum(tf.mul(tf.maxPool(a as tf.Tensor4D, 2, 2, 'valid'), r)))(x)];
}

async function onBoth(x: Input): Promise<[Float32Array, Float32Array]> {
  const [n, h, w, c] = x.shape;
  const r = randomInput([n, h / 2, w / 2, c], 9);
  const [wasm] = await runOn('wasm', [x, r], poolGradient);
  const [cpu] = await runOn('cpu', [x, r], poolGradient);
  return [wasm, cpu];
}

describe('the SIMD max-pool gradient matches cpu', () => {
  const shapes = [[3, 8, 8, 4], [2, 14, 14, 12], [2, 28, 28, 32], [2, 14, 14, 64], [1, 4, 6, 128]];
  for (const shape of shapes) {
    it(`2x2 pool of ${shape.join('x')}`, async () => {
      const [wasm, cpu] = await onBoth(randomInput(shape, shape[3]));
      assert.ok(relativeError(wasm, cpu) === 0, 'the same routing gives the same values');
    });
  }

  it('on ties, all-negative windows, NaN and infinities in every lane', async () => {
    // One 2x2 window per row of this table, in the order top-left, top-right, bottom-left, bottom-right.
    const windows = [
      [1, 1, 1, 1], [-3, -2, -5, -4], [-2, 5, 5, 1], [0, 0, 0, 3], [NaN, 1, 2, 2], [NaN, NaN, NaN, NaN],
      [-Infinity, -Infinity, -Infinity, -Infinity], [-Infinity, -7, NaN, -7], [Infinity, Infinity, 1, 2], [2, NaN, 3, NaN],
      [-0, 0, 0, -0], [1, 2, 3, 4],
    ];
    // 12 windows as channels 0-3 of 3 windows side by side: x [1, 2, 6, 4].
    const values = new Float32Array(48);
    windows.forEach((win, k) => {
      const channel = k % 4;
      const column = 2 * Math.floor(k / 4);
      [[0, 0], [0, 1], [1, 0], [1, 1]].forEach(([row, col], i) => (values[(row * 6 + column + col) * 4 + channel] = win[i]));
    });
    const [wasm, cpu] = await onBoth({ shape: [1, 2, 6, 4], values });
    assert.deepEqual(Array.from(wasm), Array.from(cpu));
    assert.ok(wasm.some((v) => v !== 0), 'some gradient is routed');
  });
});
