/**
 * A dense layer's training products by SIMD loops on wasm (kernels/dense-product.ts and kernels/dot-product.ts,
 * through BatchMatMul and _FusedMatMul) against the cpu backend, on the panel's kinds of dense layer at smaller sizes.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { randomInput, relativeError, runOn } from './helpers.js';
import { timeComposedKernels } from '../../../src/trainer/backends/kernels/compose.js';

const TOLERANCE = 1e-4;

/** Compares with cpu; `packageRan` says whether the package's product kernels ran, from the composed kernels' timings. */
async function assertMatchesCpu(inputs: ReturnType<typeof randomInput>[], compute: (...t: tf.Tensor[]) => tf.Tensor[], packageRan: (kernels: string[]) => boolean): Promise<void> {
  const expected = await runOn('cpu', inputs, compute);
  const inner = timeComposedKernels();
  const actual = await runOn('wasm', inputs, compute);
  assert.ok(packageRan([...inner.keys()]), `composed kernels: ${[...inner.keys()].join(', ')}`);
  expected.forEach((e, i) => {
    const error = relativeError(actual[i], e);
    assert.ok(error < TOLERANCE, `output ${i}: relative error ${error}`);
  });
}

describe('dense products by SIMD loops match cpu', () => {
  const products: { a: number[]; b: number[]; transposeA: boolean; what: string }[] = [
    { what: 'a batch by a wide kernel (p2, w1), in chunks of the kernel\'s rows', a: [16, 3000], b: [3000, 24], transposeA: false },
    { what: 'rows not a multiple of 4', a: [7, 300], b: [300, 16], transposeA: false },
    { what: 'a weight gradient xᵀ dy (the batch is the inner axis)', a: [9, 203], b: [9, 32], transposeA: true },
    { what: 'a weight gradient with a long batch', a: [300, 13], b: [300, 8], transposeA: true },
    { what: 'a classifier\'s 10 columns (through copies padded to 16)', a: [12, 700], b: [700, 10], transposeA: false },
    { what: 'a classifier\'s weight gradient, 10 columns', a: [12, 700], b: [12, 10], transposeA: true },
    { what: 'fewer columns than 8', a: [5, 33], b: [5, 3], transposeA: true },
  ];
  for (const p of products) {
    it(`${p.what}: ${p.a.join('x')}${p.transposeA ? 'ᵀ' : ''} by ${p.b.join('x')}`, async () => {
      await assertMatchesCpu([randomInput(p.a, 1), randomInput(p.b, 2)], (a, b) => [tf.matMul(a, b, p.transposeA, false)], (kernels) => !kernels.includes('BatchMatMul/BatchMatMul'));
    });
  }

  it('a classifier\'s weight gradient xᵀ dy with 10 columns and a multiple of 8 inputs, as (dyᵀ x)ᵀ: 64x704ᵀ by 64x10', async () => {
    const swapped = (kernels: string[]) => kernels.includes('BatchMatMul/Transpose') && !kernels.includes('BatchMatMul/BatchMatMul');
    await assertMatchesCpu([randomInput([64, 704], 9), randomInput([64, 10], 10)], (a, b) => [tf.matMul(a, b, true, false)], swapped);
  });

  it('leaves untransposed products of more than 128 rows to the package', async () => {
    const packageProduct = (kernels: string[]) => kernels.includes('BatchMatMul/BatchMatMul');
    await assertMatchesCpu([randomInput([130, 40], 3), randomInput([40, 16], 4)], (a, b) => [tf.matMul(a, b)], packageProduct);
    await assertMatchesCpu([randomInput([130, 40], 3), randomInput([40, 10], 4)], (a, b) => [tf.matMul(a, b)], packageProduct);
  });

  const inDotForm = (kernels: string[]) => !kernels.includes('BatchMatMul/Transpose') && !kernels.includes('BatchMatMul/BatchMatMul');
  const dotProducts: { a: number[]; b: number[]; what: string }[] = [
    { what: 'a dense layer\'s input gradient dy Wᵀ (p2\'s kind: many inputs)', a: [6, 128], b: [3000, 128] },
    { what: 'one block of columns, two rows', a: [2, 4], b: [4, 4] },
    { what: 'long rows (a wide layer\'s units)', a: [4, 1028], b: [36, 1028] },
  ];
  for (const p of dotProducts) {
    it(`${p.what}, in dot-product form: ${p.a.join('x')} by (${p.b.join('x')})ᵀ`, async () => {
      await assertMatchesCpu([randomInput(p.a, 11), randomInput(p.b, 12)], (a, b) => [tf.matMul(a, b, false, true)], inDotForm);
    });
  }

  it('transposes b for the dense loops where the dot-product form does not apply (odd rows, columns or units)', async () => {
    const transposedForLoops = (kernels: string[]) => kernels.includes('BatchMatMul/Transpose') && !kernels.includes('BatchMatMul/BatchMatMul');
    for (const [a, b] of [[[5, 8], [12, 8]], [[6, 8], [10, 8]], [[6, 10], [12, 10]]]) {
      await assertMatchesCpu([randomInput(a, 13), randomInput(b, 14)], (x, y) => [tf.matMul(x, y, false, true)], transposedForLoops);
    }
  });

  it('a classifier\'s input gradient dy Wᵀ with 10 units: 64x10 by (704x10)ᵀ, by the dense loops', async () => {
    const transposedForLoops = (kernels: string[]) => kernels.includes('BatchMatMul/Transpose') && !kernels.includes('BatchMatMul/BatchMatMul');
    await assertMatchesCpu([randomInput([64, 10], 19), randomInput([704, 10], 20)], (x, y) => [tf.matMul(x, y, false, true)], transposedForLoops);
  });

  it('leaves a bᵀ of more than 128 rows and units not a multiple of 4 to the package', async () => {
    const packageProduct = (kernels: string[]) => kernels.includes('BatchMatMul/BatchMatMul');
    await assertMatchesCpu([randomInput([130, 10], 21), randomInput([12, 10], 22)], (x, y) => [tf.matMul(x, y, false, true)], packageProduct);
  });

  for (const activation of ['linear', 'relu', 'elu'] as const) {
    // The forward product by the loops, the input gradient x Wᵀ in dot-product form.
    it(`a dense layer (fused matMul + bias + ${activation}) and its gradients`, async () => {
      const inputs = [randomInput([8, 1000], 5), randomInput([1000, 64], 6), randomInput([64], 7), randomInput([8, 64], 8)];
      await assertMatchesCpu(inputs, (x, w, bias, r) => {
        const dense = (a: tf.Tensor, b: tf.Tensor, c: tf.Tensor) => tf.fused.matMul({ a: a as tf.Tensor2D, b: b as tf.Tensor2D, bias: c, activation });
        return [dense(x, w, bias), ...tf.grads((a: tf.Tensor, b: tf.Tensor, c: tf.Tensor) => tf.sum(tf.mul(dense(a, b, c), r)))([x, w, bias])];
      }, (kernels) => !kernels.some((k) => k === '_FusedMatMul/_FusedMatMul' || k === '_FusedMatMul/BatchMatMul'));
    });
  }
});
