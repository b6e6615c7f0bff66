/** The trainer's Adam: one fused kernel per variable on wasm, tfjs's own ops elsewhere; the same numbers. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { FusedAdamOptimizer } from '../../src/trainer/train/fused-adam.js';
import { randomInput, relativeError, runOn } from './backends/helpers.js';

const x = randomInput([9, 7], 3);
const target = randomInput([9, 5], 4);
const startW = randomInput([7, 5], 5);
const startB = randomInput([5], 6);

/** Four Adam steps of a least-squares fit; returns the final weights, then the optimizer's saved state sizes. */
function fit(makeOptimizer: () => tf.Optimizer) {
  return (xt: tf.Tensor, yt: tf.Tensor, w0: tf.Tensor, b0: tf.Tensor): tf.Tensor[] => {
    const w = tf.variable(w0);
    const b = tf.variable(b0);
    const optimizer = makeOptimizer();
    for (let step = 0; step < 4; step++) {
      optimizer.minimize(() => tf.sum(tf.square(tf.sub(tf.add(tf.matMul(xt, w), b), yt))) as tf.Scalar, false, [w, b]);
    }
    const result = [w.clone(), b.clone(), tf.scalar(optimizer.iterations)];
    optimizer.dispose();
    w.dispose();
    b.dispose();
    return result;
  };
}

const stock = () => tf.train.adam(0.05);
const fused = () => new FusedAdamOptimizer(0.05);

test('fused Adam on wasm gives the weights of tfjs Adam on cpu (4 steps, 1e-5)', async () => {
  const inputs = [x, target, startW, startB];
  const expected = await runOn('cpu', inputs, fit(stock));
  const actual = await runOn('wasm', inputs, fit(fused));
  for (let i = 0; i < 2; i++) assert.ok(relativeError(actual[i], expected[i]) < 1e-5, `weight ${i}: ${relativeError(actual[i], expected[i])}`);
  assert.equal(actual[2][0], 4);
  assert.ok(relativeError(expected[0], startW.values) > 1e-2, 'the fit moved the weights');
});

test('on wasm each variable update is one fused kernel; on cpu it falls back to tfjs Adam exactly', async () => {
  await runOn('wasm', [], () => []);
  const profile = await tf.profile(() => {
    const [xt, yt, w0, b0] = [x, target, startW, startB].map((i) => tf.tensor(i.values, i.shape));
    fit(fused)(xt, yt, w0, b0).forEach((t) => t.dispose());
    tf.dispose([xt, yt, w0, b0]);
  });
  const names = profile.kernels.map((k) => k.name);
  assert.equal(names.filter((n) => n === 'NasAdamUpdate').length, 8, '2 variables x 4 steps');
  assert.ok(!names.includes('Sqrt'), 'no elementwise Adam ops');
  const inputs = [x, target, startW, startB];
  const onCpu = await runOn('cpu', inputs, fit(fused));
  const stockOnCpu = await runOn('cpu', inputs, fit(stock));
  for (let i = 0; i < 2; i++) assert.deepEqual(Array.from(onCpu[i]), Array.from(stockOnCpu[i]));
});

test('its state saves and restores as AdamOptimizer\'s (iterations, then first and second moments)', async () => {
  await runOn('wasm', [], () => []);
  const w = tf.variable(tf.tensor(startW.values, startW.shape));
  const optimizer = new FusedAdamOptimizer(0.05);
  const loss = () => tf.sum(tf.square(w)) as tf.Scalar;
  optimizer.minimize(loss, false, [w]);
  optimizer.minimize(loss, false, [w]);
  const saved = await optimizer.getWeights();
  assert.deepEqual(saved.map((s) => s.name), ['iter', `${w.name}/m`, `${w.name}/v`]);
  const restored = new FusedAdamOptimizer(0.05);
  await restored.setWeights(saved);
  assert.equal(restored.iterations, 2);
  tf.dispose([w, ...saved.map((s) => s.tensor)]);
  optimizer.dispose();
  restored.dispose();
});

test('on the panel\'s parameter shapes (SIMD loop and its tail) it gives tfjs Adam\'s weights on cpu (3 steps, 1e-5)', async () => {
  const shapes = [[3, 3, 32, 64], [5, 5, 1, 32], [1568, 256], [128], [10], [6272, 10]];
  const inputs = shapes.flatMap((shape, i) => [randomInput(shape, 20 + i), randomInput(shape, 40 + i)]);
  const steps = (makeOptimizer: () => tf.Optimizer) => (...tensors: tf.Tensor[]): tf.Tensor[] => {
    const weights = shapes.map((_, i) => tf.variable(tensors[2 * i]));
    const optimizer = makeOptimizer();
    // A gradient that changes from step to step: d/dw of sum(r w + w^2 / 2) is r + w.
    const loss = () => tf.addN(weights.map((w, i) => tf.sum(tf.add(tf.mul(w, tensors[2 * i + 1]), tf.mul(tf.square(w), 0.5))))) as tf.Scalar;
    for (let step = 0; step < 3; step++) optimizer.minimize(loss, false, weights);
    const result = weights.map((w) => w.clone());
    optimizer.dispose();
    tf.dispose(weights);
    return result;
  };
  const expected = await runOn('cpu', inputs, steps(stock));
  const actual = await runOn('wasm', inputs, steps(fused));
  shapes.forEach((shape, i) => {
    const error = relativeError(actual[i], expected[i]);
    assert.ok(error < 1e-5, `${shape.join('x')}: relative error ${error}`);
    assert.ok(relativeError(expected[i], inputs[2 * i].values) > 1e-3, `${shape.join('x')} moved`);
  });
});
