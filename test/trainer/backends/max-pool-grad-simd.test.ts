/**
 * The SIMD max-pool gradient (kernels/max-pool-simd.ts: 2x2 windows, stride 2, channels a multiple of 4)
 * against the cpu backend, on the panel's pools and on ties, NaN and infinities.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { randomInput, relativeError, runOn, type Input } from './helpers.js';
import { specialWindowsInput } from './max-pool-windows.js';

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
    const [wasm, cpu] = await onBoth(specialWindowsInput());
    assert.deepEqual(Array.from(wasm), Array.from(cpu));
    assert.ok(wasm.some((v) => v !== 0), 'some gradient is routed');
  });
});
