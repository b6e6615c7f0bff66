/**
 * Forward convolutions of inputs with few channels by SIMD loops (kernels/narrow-conv.ts, through Conv2D and
 * FusedConv2D) against the cpu backend: the panel's first layers at a smaller batch, strides, valid padding,
 * bias and ReLU, the gradients through them, and shapes left to the package.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { randomInput, relativeError, runOn, type Input } from './helpers.js';

interface Case {
  x: number[];
  filter: [number, number, number, number];
  stride: number;
  pad: 'same' | 'valid';
}

const CASES: Case[] = [
  { x: [3, 28, 28, 1], filter: [5, 5, 1, 32], stride: 1, pad: 'same' },
  { x: [2, 28, 28, 1], filter: [3, 3, 1, 128], stride: 1, pad: 'same' },
  { x: [2, 32, 32, 3], filter: [3, 3, 3, 64], stride: 1, pad: 'same' },
  { x: [2, 32, 32, 3], filter: [2, 2, 3, 128], stride: 2, pad: 'same' },
  { x: [3, 13, 11, 2], filter: [5, 3, 2, 16], stride: 2, pad: 'valid' },
  { x: [1, 9, 9, 4], filter: [3, 3, 4, 8], stride: 3, pad: 'same' },
  // Left to the package: more input channels, fewer than 9 taps, and output channels not a multiple of 8.
  { x: [2, 10, 10, 8], filter: [3, 3, 8, 16], stride: 1, pad: 'same' },
  { x: [2, 8, 8, 3], filter: [1, 1, 3, 16], stride: 2, pad: 'same' },
  { x: [2, 10, 10, 1], filter: [3, 3, 1, 12], stride: 1, pad: 'same' },
];

async function assertMatchesCpu(inputs: Input[], compute: (...t: tf.Tensor[]) => tf.Tensor[]): Promise<void> {
  const expected = await runOn('cpu', inputs, compute);
  const actual = await runOn('wasm', inputs, compute);
  expected.forEach((e, i) => assert.ok(relativeError(actual[i], e) < 1e-5, `output ${i}: relative error ${relativeError(actual[i], e)}`));
}

describe('narrow-input convolutions by SIMD loops match cpu', () => {
  for (const c of CASES) {
    const name = `${c.x.join('x')} by ${c.filter.join('x')}, stride ${c.stride}, ${c.pad}`;
    const outShape = tf.backend_util.computeConv2DInfo(c.x as [number, number, number, number], c.filter, c.stride, 1, c.pad).outShape;
    const inputs = [randomInput(c.x, 1), randomInput(c.filter, 2), randomInput([c.filter[3]], 3), randomInput(outShape, 4)];

    it(`${name}: conv2d, and fused with a bias and with bias and ReLU`, async () => {
      await assertMatchesCpu(inputs, (x, w, bias) => [
        tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, c.stride, c.pad),
        tf.fused.conv2d({ x: x as tf.Tensor4D, filter: w as tf.Tensor4D, strides: c.stride, pad: c.pad, bias }),
        tf.fused.conv2d({ x: x as tf.Tensor4D, filter: w as tf.Tensor4D, strides: c.stride, pad: c.pad, bias, activation: 'relu' }),
      ]);
    });

    it(`${name}: the gradients of the filter and bias through it`, async () => {
      await assertMatchesCpu(inputs, (x, w, bias, r) => {
        const f = (filter: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(tf.fused.conv2d({ x: x as tf.Tensor4D, filter: filter as tf.Tensor4D, strides: c.stride, pad: c.pad, bias: b }), r));
        return tf.grads(f)([w, bias]);
      });
    });
  }
});
