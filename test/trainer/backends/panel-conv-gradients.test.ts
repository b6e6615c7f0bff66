/**
 * Both gradients of a convolution on the wasm backend against the cpu backend, on every kind of layer the
 * throughput panel trains (bench/throughput/panel), at smaller sizes: the weight gradient by the SIMD loops
 * (kernels/filter-gradient.ts), the input gradient by rotated filter taps (kernels/conv2d-backprop-input.ts), or
 * for strided layers to small images of 128 channels or more by the column product and scatter
 * (kernels/columns-input-gradient.ts).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { randomInput, relativeError, runOn } from './helpers.js';
import { timeComposedKernels } from '../../../src/trainer/backends/kernels/compose.js';

const TOLERANCE = 1e-4;

interface Case {
  what: string;
  x: [number, number, number, number];
  kernel: number;
  outChannels: number;
  stride: number;
  pad: 'same' | 'valid';
}

const CASES: Case[] = [
  { what: 'first layer, 3x3 on one channel (p5, h1, w1)', x: [3, 14, 14, 1], kernel: 3, outChannels: 32, stride: 1, pad: 'same' },
  { what: 'first layer, 5x5 on one channel (p1, p3, p4)', x: [3, 12, 12, 1], kernel: 5, outChannels: 16, stride: 1, pad: 'same' },
  { what: 'first layer, 3x3 on RGB (h2)', x: [2, 16, 16, 3], kernel: 3, outChannels: 24, stride: 1, pad: 'same' },
  { what: 'first layer, 1x1 stride 2 on RGB (c1)', x: [2, 16, 16, 3], kernel: 1, outChannels: 16, stride: 2, pad: 'same' },
  { what: '3x3 stride 1 (p3, p5, h1, h2, w1)', x: [3, 14, 14, 16], kernel: 3, outChannels: 32, stride: 1, pad: 'same' },
  { what: '3x3 stride 1 on 7x7 (p5)', x: [4, 7, 7, 24], kernel: 3, outChannels: 8, stride: 1, pad: 'same' },
  { what: '3x3 stride 2 (p1, h2)', x: [2, 14, 14, 12], kernel: 3, outChannels: 16, stride: 2, pad: 'same' },
  { what: '5x5 stride 2 (c1)', x: [3, 8, 8, 8], kernel: 5, outChannels: 16, stride: 2, pad: 'same' },
  { what: '3x3 stride 2 on an odd size (h2 at other inputs)', x: [2, 9, 9, 8], kernel: 3, outChannels: 8, stride: 2, pad: 'same' },
  { what: 'valid padding, windows end before x does', x: [2, 11, 10, 5], kernel: 3, outChannels: 8, stride: 2, pad: 'valid' },
  { what: 'valid padding, every pixel read', x: [2, 9, 9, 6], kernel: 3, outChannels: 16, stride: 1, pad: 'valid' },
];

function gradients(c: Case) {
  return (x: tf.Tensor, w: tf.Tensor, r: tf.Tensor): tf.Tensor[] => {
    const loss = (a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, c.stride, c.pad), r));
    return tf.grads(loss)([x, w]);
  };
}

function inputs(c: Case) {
  const filterShape: [number, number, number, number] = [c.kernel, c.kernel, c.x[3], c.outChannels];
  const outShape = tf.backend_util.computeConv2DInfo(c.x, filterShape, c.stride, 1, c.pad).outShape;
  return [randomInput(c.x, 3), randomInput(filterShape, 4), randomInput(outShape, 5)];
}

describe('conv gradients on the panel\'s kinds of layer match cpu', () => {
  for (const c of CASES) {
    it(`${c.what}: ${c.x.join('x')}, ${c.kernel}x${c.kernel} -> ${c.outChannels}, stride ${c.stride}, ${c.pad}`, async () => {
      const expected = await runOn('cpu', inputs(c), gradients(c));
      const inner = timeComposedKernels();
      const actual = await runOn('wasm', inputs(c), gradients(c));
      assert.deepEqual([...inner.keys()].filter((k) => k.startsWith('Conv2DBackpropFilter/')), [], 'no composed route ran');
      ['dx', 'dW'].forEach((name, i) => {
        const error = relativeError(actual[i], expected[i]);
        assert.ok(error < TOLERANCE, `${name}: relative error ${error}`);
      });
    });
  }

  const COLUMN_CASES: Case[] = [
    { what: '5x5 stride 2 to 512 channels (c1)', x: [3, 8, 8, 8], kernel: 5, outChannels: 128, stride: 2, pad: 'same' },
    { what: '3x3 stride 2 to 256 channels (h2), valid padding on an odd size', x: [2, 9, 9, 8], kernel: 3, outChannels: 128, stride: 2, pad: 'valid' },
    { what: 'a wider stride than the kernel, some inputs reached by no window', x: [2, 9, 9, 4], kernel: 2, outChannels: 128, stride: 3, pad: 'valid' },
  ];
  for (const c of COLUMN_CASES) {
    it(`input gradient by columns, ${c.what}: ${c.x.join('x')}, ${c.kernel}x${c.kernel} -> ${c.outChannels}, stride ${c.stride}, ${c.pad}`, async () => {
      const expected = await runOn('cpu', inputs(c), gradients(c));
      const inner = timeComposedKernels();
      const actual = await runOn('wasm', inputs(c), gradients(c));
      assert.deepEqual([...inner.keys()].filter((k) => k.startsWith('Conv2DBackpropInput/')), [], 'the rotated taps did not run');
      const error = relativeError(actual[0], expected[0]);
      assert.ok(error < TOLERANCE, `dx: relative error ${error}`);
    });
  }

  const ROTATED_CASES: Case[] = [
    { what: 'stride 1 (p5\'s 7x7 layers)', x: [2, 7, 7, 16], kernel: 3, outChannels: 128, stride: 1, pad: 'same' },
    { what: 'larger images (14x14 outputs)', x: [2, 28, 28, 8], kernel: 3, outChannels: 128, stride: 2, pad: 'same' },
    { what: 'fewer output channels (p1)', x: [2, 14, 14, 8], kernel: 3, outChannels: 32, stride: 2, pad: 'same' },
  ];
  for (const c of ROTATED_CASES) {
    it(`keeps the rotated taps for ${c.what}`, async () => {
      const inner = timeComposedKernels();
      const [dx] = await runOn('wasm', inputs(c), gradients(c));
      assert.ok([...inner.keys()].includes('Conv2DBackpropInput/Conv2D'));
      assert.ok(relativeError(dx, (await runOn('cpu', inputs(c), gradients(c)))[0]) < TOLERANCE);
    });
  }

  it('accumulates over chunks of output rows (8 images of 28x28: 13 chunks of 18 rows, the last one partial)', async () => {
    const c: Case = { what: '', x: [8, 28, 28, 4], kernel: 3, outChannels: 8, stride: 1, pad: 'same' };
    const expected = await runOn('cpu', inputs(c), gradients(c));
    const actual = await runOn('wasm', inputs(c), gradients(c));
    assert.ok(relativeError(actual[1], expected[1]) < TOLERANCE);
  });
});
