/**
 * The SIMD max pool (kernels/max-pool-simd.ts: 2x2 windows, stride 2, channels a multiple of 4) against the
 * cpu backend, on the panel's pools and on ties, NaN and infinities; other pools still go to the package.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { randomInput, runOn, type Input } from './helpers.js';
import { specialWindowsInput } from './max-pool-windows.js';

const pool = (window: number, stride: number, pad: 'valid' | 'same') => (x: tf.Tensor) => [tf.maxPool(x as tf.Tensor4D, window, stride, pad)];

async function onBoth(x: Input, compute = pool(2, 2, 'valid')): Promise<[number[], number[]]> {
  const [wasm] = await runOn('wasm', [x], compute);
  const [cpu] = await runOn('cpu', [x], compute);
  return [Array.from(wasm), Array.from(cpu)];
}

describe('the SIMD max pool matches cpu', () => {
  const shapes = [[3, 8, 8, 4], [2, 14, 14, 12], [2, 28, 28, 32], [2, 14, 14, 64], [1, 4, 6, 128], [64, 28, 28, 32]];
  for (const shape of shapes) {
    it(`2x2 pool of ${shape.join('x')}`, async () => {
      const [wasm, cpu] = await onBoth(randomInput(shape, shape[3]));
      assert.deepEqual(wasm, cpu);
    });
  }

  it('on ties, all-negative windows, NaN and infinities in every lane', async () => {
    const [wasm, cpu] = await onBoth(specialWindowsInput());
    assert.deepEqual(wasm, cpu);
    // Channel order: window k is channel k % 4 of output column floor(k / 4).
    assert.deepEqual([0, 1, 2, 3].map((k) => wasm[k]), [1, -2, 5, 3]);
    assert.deepEqual([4, 5, 6, 7].map((k) => wasm[k]), [2, -Infinity, -Infinity, -7]);
  });

  for (const [window, stride, pad, shape] of [[2, 2, 'same', [2, 7, 7, 8]], [3, 2, 'valid', [2, 9, 9, 4]], [2, 2, 'valid', [2, 8, 8, 3]], [2, 1, 'same', [1, 5, 5, 4]]] as const) {
    it(`${window}x${window} stride ${stride} ${pad} over ${shape.join('x')} (the package's kernel)`, async () => {
      const [wasm, cpu] = await onBoth(randomInput([...shape], 5), pool(window, stride, pad));
      assert.deepEqual(wasm, cpu);
    });
  }
});
