/**
 * The SIMD average pool and its gradient (kernels/avg-pool-simd.ts: 2x2 windows, stride 2, channels a multiple
 * of 4) against the cpu backend, on the shapes the spaces propose; other pools still go to the package.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { randomInput, relativeError, runOn, type Input } from './helpers.js';

type Pad = 'valid' | 'same';

/** The pool of x, then the gradient with respect to x of sum(pool(x) * r). */
const poolAndGradient = (window: number, stride: number, pad: Pad) => (x: tf.Tensor, r: tf.Tensor) => {
  const pool = (a: tf.Tensor) => tf.avgPool(a as tf.Tensor4D, window, stride, pad);
  return [pool(x), tf.grad((a: tf.Tensor) => tf.sum(tf.mul(pool(a), r)))(x)];
};

function inputs(shape: number[], window: number, stride: number, pad: Pad): Input[] {
  const out = tf.backend_util.computePool2DInfo(shape as [number, number, number, number], window, stride, 1, pad).outShape;
  return [randomInput(shape, shape[3] + 1), randomInput(out, shape[1] + 7)];
}

async function onBoth(shape: number[], window = 2, stride = 2, pad: Pad = 'valid'): Promise<{ wasm: Float32Array[]; cpu: Float32Array[] }> {
  const given = inputs(shape, window, stride, pad);
  const wasm = await runOn('wasm', given, poolAndGradient(window, stride, pad));
  const cpu = await runOn('cpu', given, poolAndGradient(window, stride, pad));
  return { wasm, cpu };
}

describe('the SIMD average pool matches cpu', () => {
  for (const shape of [[3, 8, 8, 4], [2, 14, 14, 12], [2, 16, 16, 128], [1, 4, 6, 64], [64, 16, 16, 128]]) {
    it(`2x2 pool of ${shape.join('x')} and its gradient`, async () => {
      const { wasm, cpu } = await onBoth(shape);
      // cpu adds a window up in double precision, the loop in float32: a rounding apart at most.
      assert.ok(relativeError(wasm[0], cpu[0]) < 1e-6, `pool: relative error ${relativeError(wasm[0], cpu[0])}`);
      assert.deepEqual(Array.from(wasm[1]), Array.from(cpu[1]));
    });
  }

  it('puts each window\'s average in its own place and a quarter of dy in each of its four', async () => {
    // One image of 2x4 pixels, 4 channels: windows (pixels 0, 1, 4, 5) and (2, 3, 6, 7), pixel p's channel c = 10p + c.
    const x = { shape: [1, 2, 4, 4], values: Float32Array.from({ length: 32 }, (_, i) => 10 * Math.floor(i / 4) + (i % 4)) };
    const r = { shape: [1, 1, 2, 4], values: Float32Array.from([4, 8, 12, 16, -4, -8, -12, -16]) };
    const [pooled, dx] = await runOn('wasm', [x, r], poolAndGradient(2, 2, 'valid'));
    assert.deepEqual(Array.from(pooled), [25, 26, 27, 28, 45, 46, 47, 48]);
    assert.deepEqual(Array.from(dx.subarray(0, 8)), [1, 2, 3, 4, 1, 2, 3, 4]);
    assert.deepEqual(Array.from(dx.subarray(24, 32)), [-1, -2, -3, -4, -1, -2, -3, -4]);
  });

  for (const [window, stride, pad, shape] of [[2, 2, 'same', [2, 7, 7, 8]], [3, 2, 'valid', [2, 9, 9, 4]], [2, 2, 'valid', [2, 8, 8, 3]], [2, 1, 'same', [1, 5, 5, 4]]] as const) {
    it(`${window}x${window} stride ${stride} ${pad} over ${shape.join('x')} (the package's kernels)`, async () => {
      const { wasm, cpu } = await onBoth([...shape], window, stride, pad);
      wasm.forEach((values, i) => assert.ok(relativeError(values, cpu[i]) < 1e-5, `output ${i}: relative error ${relativeError(values, cpu[i])}`));
    });
  }
});
