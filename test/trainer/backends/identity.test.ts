/** Identity and same-dtype Cast on wasm share their input's data: values, disposal and gradients as on cpu. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { randomInput, relativeError, runOn } from './helpers.js';

describe('wasm Identity and Cast without a copy', () => {
  it('a same-dtype cast or identity keeps its values after the input is disposed, and frees the memory after both', async () => {
    await runOn('wasm', [], () => []);
    const before = tf.memory().numBytes;
    const x = tf.tensor([1.5, -2, 3.25, 4], [2, 2]);
    const inner = tf.cast(x, 'float32');
    const copies = [tf.cast(x, 'float32'), tf.clone(x), tf.cast(inner, 'float32')];
    for (const copy of copies) assert.equal(copy.dataId, x.dataId, 'no copy of the data');
    x.dispose();
    inner.dispose();
    for (const copy of copies) assert.deepEqual([...copy.dataSync()], [1.5, -2, 3.25, 4]);
    for (const copy of copies) copy.dispose();
    assert.equal(tf.memory().numBytes, before);
  });

  it('a cast to another dtype still converts, and to bool gives x != 0 as on cpu', async () => {
    await runOn('wasm', [], () => []);
    const [toInt, toFloat, toBool] = tf.tidy(() => {
      const x = tf.tensor([1.7, -2.2, 0, 3]);
      return [tf.cast(x, 'int32'), tf.cast(tf.tensor([1, 0, 7], [3], 'int32'), 'float32'), tf.cast(x, 'bool')];
    });
    assert.equal(toInt.dtype, 'int32');
    assert.deepEqual([...toInt.dataSync()], [1, -2, 0, 3]);
    assert.equal(toFloat.dtype, 'float32');
    assert.deepEqual([...toFloat.dataSync()], [1, 0, 7]);
    assert.equal(toBool.dtype, 'bool');
    assert.deepEqual([...toBool.dataSync()], [1, 1, 0, 1]);
    tf.dispose([toInt, toFloat, toBool]);
  });

  it('the gradient through a clone (Identity, whose gradient casts dy) matches cpu, and the input keeps its values', async () => {
    const inputs = [randomInput([4, 6, 6, 3], 11), randomInput([4, 6, 6, 3], 12)];
    const compute = (x: tf.Tensor, r: tf.Tensor) => {
      const grad = tf.grad((a: tf.Tensor) => tf.sum(tf.mul(tf.square(tf.clone(tf.relu(a))), r)))(x);
      return [grad, x];
    };
    const [wasmGrad, wasmX] = await runOn('wasm', inputs, compute);
    const [cpuGrad] = await runOn('cpu', inputs, compute);
    assert.ok(relativeError(wasmGrad, cpuGrad) < 1e-6);
    assert.deepEqual(wasmX, inputs[0].values);
  });
});
