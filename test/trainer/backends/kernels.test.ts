/** The wasm training kernels against the cpu backend's gradients, on the same inputs. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { randomInput, relativeError, runOn, type Input } from './helpers.js';

const TOLERANCE = 1e-4;

function shape4(input: Input): [number, number, number, number] {
  assert.equal(input.shape.length, 4);
  return input.shape as [number, number, number, number];
}

async function assertSameOnBothBackends(inputs: Input[], compute: (...t: tf.Tensor[]) => tf.Tensor[]): Promise<void> {
  const expected = await runOn('cpu', inputs, compute);
  const actual = await runOn('wasm', inputs, compute);
  expected.forEach((e, i) => {
    const error = relativeError(actual[i], e);
    assert.ok(error < TOLERANCE, `output ${i}: relative error ${error}`);
  });
}

/** A reduction over the leading axes (the overridden case), with keepDims, of a 2-D view, and over other axes. */
async function assertReductionsMatch(reduce: (x: tf.Tensor, axis?: number | number[], keepDims?: boolean) => tf.Tensor): Promise<void> {
  await assertSameOnBothBackends([randomInput([6, 5, 7, 3], 9)], (x) => [
    reduce(x, [0, 1, 2]),
    reduce(x, [0, 1, 2], true),
    reduce(x.reshape([210, 3]), 0),
    reduce(x, [1, 2]),
    reduce(x, -1),
    reduce(x),
  ]);
}

interface PoolCase {
  size: [number, number];
  window: number;
  stride: number;
  pad: 'same' | 'valid';
}

function itMatchesCpuForPools(kind: 'max' | 'avg', cases: PoolCase[]): void {
  const pool = kind === 'max' ? tf.maxPool : tf.avgPool;
  for (const p of cases) {
    it(`${kind} pool ${p.size.join('x')}, window ${p.window}, stride ${p.stride}, ${p.pad}`, async () => {
      const x = randomInput([3, ...p.size, 4], 3);
      const r = randomInput(tf.backend_util.computePool2DInfo(shape4(x), p.window, p.stride, 1, p.pad).outShape, 4);
      await assertSameOnBothBackends([x, r], (xt, rt) =>
        [tf.grad((a: tf.Tensor) => tf.sum(tf.mul(pool(a as tf.Tensor4D, p.window, p.stride, p.pad), rt)))(xt)]);
    });
  }
}

interface ConvCase {
  batch: number;
  size: [number, number];
  channels: [number, number];
  kernel: [number, number];
  stride: number;
  pad: 'same' | 'valid';
}

const CONV_CASES: ConvCase[] = [
  { batch: 1, size: [5, 5], channels: [1, 3], kernel: [3, 3], stride: 1, pad: 'same' },
  { batch: 3, size: [7, 6], channels: [3, 4], kernel: [3, 3], stride: 1, pad: 'valid' },
  { batch: 2, size: [9, 9], channels: [4, 5], kernel: [3, 3], stride: 2, pad: 'same' },
  { batch: 4, size: [8, 7], channels: [2, 6], kernel: [3, 2], stride: 2, pad: 'valid' },
  { batch: 2, size: [6, 6], channels: [5, 3], kernel: [1, 1], stride: 1, pad: 'same' },
  { batch: 5, size: [11, 10], channels: [3, 2], kernel: [5, 5], stride: 2, pad: 'same' },
  { batch: 2, size: [10, 10], channels: [2, 3], kernel: [4, 4], stride: 3, pad: 'valid' },
  // Over 80 filter taps (C_in x KH x KW): the weight gradient as a convolution rather than a matrix product.
  { batch: 3, size: [7, 8], channels: [10, 4], kernel: [3, 3], stride: 1, pad: 'same' },
  { batch: 2, size: [9, 7], channels: [12, 3], kernel: [3, 3], stride: 2, pad: 'valid' },
  { batch: 4, size: [11, 9], channels: [4, 2], kernel: [5, 5], stride: 2, pad: 'same' },
  // Strides with phases that no tap reaches (1x1 kernel, stride 2), and a kernel shorter than the stride.
  { batch: 2, size: [7, 7], channels: [3, 4], kernel: [1, 1], stride: 2, pad: 'valid' },
  { batch: 2, size: [8, 8], channels: [3, 4], kernel: [1, 1], stride: 2, pad: 'same' },
  { batch: 2, size: [10, 9], channels: [2, 3], kernel: [2, 2], stride: 3, pad: 'same' },
  // A weight gradient whose output gradient (positions x out channels) is packed in row blocks.
  { batch: 4, size: [32, 32], channels: [1, 40], kernel: [3, 3], stride: 1, pad: 'same' },
];

describe('wasm conv2d gradients match cpu', () => {
  for (const c of CONV_CASES) {
    it(`batch ${c.batch}, ${c.size.join('x')}x${c.channels[0]} -> ${c.channels[1]}, kernel ${c.kernel.join('x')}, stride ${c.stride}, ${c.pad}`, async () => {
      const x = randomInput([c.batch, ...c.size, c.channels[0]], 11);
      const w = randomInput([...c.kernel, ...c.channels], 23);
      const r = randomInput(tf.backend_util.computeConv2DInfo(shape4(x), shape4(w), c.stride, 1, c.pad).outShape, 37);
      await assertSameOnBothBackends([x, w, r], (xt, wt, rt) => {
        const loss = (a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, c.stride, c.pad), rt));
        return tf.grads(loss)([xt, wt]);
      });
    });
  }

  it('fused conv2d + bias + relu (what tfjs-layers uses) gives the same gradients', async () => {
    const x = randomInput([3, 9, 9, 3], 5);
    const w = randomInput([3, 3, 3, 4], 6);
    const b = randomInput([4], 7);
    const r = randomInput([3, 9, 9, 4], 8);
    await assertSameOnBothBackends([x, w, b, r], (xt, wt, bt, rt) => {
      const loss = (a: tf.Tensor, f: tf.Tensor, bias: tf.Tensor) =>
        tf.sum(tf.mul(tf.fused.conv2d({ x: a as tf.Tensor4D, filter: f as tf.Tensor4D, bias, strides: 1, pad: 'same', activation: 'relu' }), rt));
      return tf.grads(loss)([xt, wt, bt]);
    });
  });
});

describe('wasm max-pool gradient matches cpu', () => {
  itMatchesCpuForPools('max', [
    { size: [8, 8], window: 2, stride: 2, pad: 'valid' },
    { size: [7, 9], window: 2, stride: 2, pad: 'same' },
    { size: [7, 7], window: 3, stride: 2, pad: 'valid' },
    { size: [6, 5], window: 3, stride: 1, pad: 'same' },
    { size: [8, 7], window: 3, stride: 3, pad: 'same' },
    { size: [9, 8], window: 2, stride: 3, pad: 'valid' },
  ]);

  /** The max-pool gradient of a 2x6 image (one channel) on wasm, after checking it equals cpu's exactly. */
  async function maxPoolGradient(values: number[], stride: number, upstream: number[]): Promise<number[]> {
    const x: Input = { shape: [1, 2, 6, 1], values: new Float32Array(values) };
    const r: Input = { shape: [1, 1, upstream.length, 1], values: new Float32Array(upstream) };
    const compute = (xt: tf.Tensor, rt: tf.Tensor) =>
      [tf.grad((a: tf.Tensor) => tf.sum(tf.mul(tf.maxPool(a as tf.Tensor4D, 2, stride, 'valid'), rt)))(xt)];
    const [wasm] = await runOn('wasm', [x, r], compute);
    const [cpu] = await runOn('cpu', [x, r], compute);
    assert.deepEqual(Array.from(wasm), Array.from(cpu));
    return Array.from(wasm);
  }

  it('routes the gradient to the first maximum on ties and handles all-negative windows', async () => {
    // Window 1: four equal values; window 2: all negative; window 3: tie between later positions.
    const dx = await maxPoolGradient([1, 1, -3, -2, 0, 5, 1, 1, -5, -4, 0, 5], 2, [1, 2, 3]);
    assert.deepEqual(dx, [1, 0, 0, 2, 0, 3, 0, 0, 0, 0, 0, 0]);
  });

  it('never routes to NaN and skips windows of -Infinity only, as the cpu backend', async () => {
    const dx = await maxPoolGradient([NaN, 1, -Infinity, -Infinity, NaN, NaN, 2, 2, -Infinity, -Infinity, NaN, NaN], 2, [1, 2, 3]);
    assert.deepEqual(dx, [0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0]);
  });

  it('routes to the first maximum on ties where windows overlap too', async () => {
    const dx = await maxPoolGradient([1, 1, -3, -2, 0, 5, 1, 1, -5, -4, 5, 5], 1, [1, 2, 3, 4, 5]);
    assert.deepEqual(dx, [1, 2, 0, 3, 0, 5, 0, 0, 0, 0, 4, 0]);
  });
});

describe('wasm AvgPoolGrad matches cpu (2x2 tiles by avg-pool-simd.ts, others by the package)', () => {
  itMatchesCpuForPools('avg', [
    { size: [8, 8], window: 2, stride: 2, pad: 'valid' },
    { size: [7, 9], window: 2, stride: 2, pad: 'same' },
    { size: [7, 7], window: 3, stride: 2, pad: 'same' },
    { size: [6, 5], window: 3, stride: 1, pad: 'valid' },
  ]);
});

describe('wasm Tile and Mean overrides match cpu', () => {
  const tiles: { shape: number[]; reps: number[] }[] = [
    { shape: [1, 1, 1, 5], reps: [3, 4, 2, 1] },
    { shape: [2, 3, 1, 4], reps: [2, 1, 3, 2] },
    { shape: [7], reps: [3] },
    { shape: [2, 3], reps: [1, 1] },
    { shape: [3, 1, 2], reps: [2, 5, 1] },
  ];
  for (const t of tiles) {
    it(`tile ${t.shape.join('x')} by ${t.reps.join('x')}`, async () => {
      await assertSameOnBothBackends([randomInput(t.shape, 5)], (x) => [tf.tile(x, t.reps)]);
      const [wasmInts] = await runOn('wasm', [randomInput(t.shape, 6)], (x) => [tf.tile(tf.cast(tf.mul(x, 100), 'int32'), t.reps)]);
      const [cpuInts] = await runOn('cpu', [randomInput(t.shape, 6)], (x) => [tf.tile(tf.cast(tf.mul(x, 100), 'int32'), t.reps)]);
      assert.deepEqual(Array.from(wasmInts), Array.from(cpuInts), 'int32 too');
    });
  }

  it('means over leading axes (batch-norm moments), with and without keepDims, and other axes as before', async () => {
    await assertReductionsMatch(tf.mean);
  });

  it('batch-norm gradients (tile of the scale, moments) match cpu', async () => {
    const x = randomInput([4, 5, 6, 3], 12);
    const r = randomInput([4, 5, 6, 3], 13);
    const gamma = randomInput([3], 14);
    const beta = randomInput([3], 15);
    await assertSameOnBothBackends([x, r, gamma, beta], (xt, rt, g, b) => {
      const loss = (a: tf.Tensor, scale: tf.Tensor, offset: tf.Tensor) => {
        const { mean, variance } = tf.moments(a, [0, 1, 2]);
        return tf.sum(tf.mul(tf.batchNorm(a, mean, variance, offset, scale, 1e-3), rt));
      };
      return tf.grads(loss)([xt, g, b]);
    });
  });
});

describe('wasm BatchMatMul and Sum overrides match cpu', () => {
  const products: { a: number[]; b: number[]; transposeA: boolean; transposeB: boolean }[] = [
    { a: [7, 5], b: [5, 3], transposeA: false, transposeB: false },
    { a: [5, 7], b: [5, 3], transposeA: true, transposeB: false },
    { a: [7, 5], b: [3, 5], transposeA: false, transposeB: true },
    { a: [5, 7], b: [3, 5], transposeA: true, transposeB: true },
    { a: [4, 7, 5], b: [4, 5, 3], transposeA: false, transposeB: false },
    { a: [2, 5, 7], b: [1, 3, 5], transposeA: true, transposeB: true },
    // Right operands large enough to be packed in row blocks (3 blocks, uneven), in a batch too.
    { a: [3, 4500], b: [4500, 70], transposeA: false, transposeB: false },
    { a: [2, 3, 3001], b: [2, 3001, 50], transposeA: false, transposeB: false },
    // a x bᵀ with a large b: computed as (b x aᵀ)ᵀ.
    { a: [5, 40], b: [3000, 40], transposeA: false, transposeB: true },
  ];
  for (const p of products) {
    it(`matMul ${p.a.join('x')}${p.transposeA ? 'ᵀ' : ''} by ${p.b.join('x')}${p.transposeB ? 'ᵀ' : ''}`, async () => {
      await assertSameOnBothBackends([randomInput(p.a, 1), randomInput(p.b, 2)], (a, b) => [tf.matMul(a, b, p.transposeA, p.transposeB)]);
    });
  }

  it('sums over leading axes (bias gradients), with and without keepDims, and other axes as before', async () => {
    await assertReductionsMatch(tf.sum);
  });

  for (const shape of [[6, 5, 7, 8], [64, 28, 28, 32], [33, 20]]) {
    it(`sums over the leading axes of ${shape.join('x')} by the SIMD sum pass`, async () => {
      await assertSameOnBothBackends([randomInput(shape, 21)], (x) => [tf.sum(x, shape.slice(0, -1).map((_, i) => i)), tf.sum(x, [...shape.keys()].slice(0, -1), true)]);
    });
  }

  it('a large right operand multiplied again (weights over the batches of an evaluation) gives the same product', async () => {
    const inputs = [randomInput([3, 4500], 7), randomInput([4500, 70], 8), randomInput([5, 4500], 9), randomInput([70], 10)];
    await assertSameOnBothBackends(inputs, (a, b, c, bias) => [
      tf.matMul(a, b), tf.matMul(c, b), tf.matMul(a, b),
      tf.fused.matMul({ a: a as tf.Tensor2D, b: b as tf.Tensor2D, bias, activation: 'relu' }),
      tf.fused.matMul({ a: c as tf.Tensor2D, b: b as tf.Tensor2D, bias, activation: 'relu' }),
    ]);
  });

  for (const activation of ['linear', 'relu', 'elu'] as const) {
    it(`fused matMul + bias + ${activation} with a large kernel (a dense layer) and its gradients`, async () => {
      const inputs = [randomInput([4, 3000], 3), randomInput([3000, 60], 4), randomInput([60], 5), randomInput([4, 60], 6)];
      await assertSameOnBothBackends(inputs, (a, b, bias, r) => {
        const dense = (x: tf.Tensor, w: tf.Tensor, c: tf.Tensor) => tf.fused.matMul({ a: x as tf.Tensor2D, b: w as tf.Tensor2D, bias: c, activation });
        return [dense(a, b, bias), ...tf.grads((x: tf.Tensor, w: tf.Tensor, c: tf.Tensor) => tf.sum(tf.mul(dense(x, w, c), r)))([a, b, bias])];
      });
    });
  }
});
