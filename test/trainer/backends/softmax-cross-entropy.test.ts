/**
 * The loss as one kernel (kernels/softmax-cross-entropy.ts) against the same loss composed from tfjs ops, on
 * wasm and cpu: values and gradients, with and without label smoothing, on extreme logits and labels outside
 * the classes.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { fusedCrossEntropy } from '../../../src/trainer/backends/kernels/softmax-cross-entropy.js';
import { crossEntropyPerExample } from '../../../src/trainer/train/loss.js';
import { randomInput, relativeError, runOn, type Input } from './helpers.js';

/** The loss from tfjs ops: what crossEntropyPerExample computes where the kernel is not registered. */
function composedLoss(logits: tf.Tensor2D, labels: tf.Tensor1D, smoothing: number): tf.Tensor1D {
  let targets = tf.oneHot(labels, logits.shape[1]).toFloat();
  if (smoothing > 0) targets = targets.mul(1 - smoothing).add(smoothing / logits.shape[1]);
  return targets.mul(tf.logSoftmax(logits)).sum(1).neg() as tf.Tensor1D;
}

type Loss = (logits: tf.Tensor2D, labels: tf.Tensor1D, smoothing: number) => tf.Tensor1D;

/** The loss per example, and the gradient of a weighted sum of it with respect to the logits. */
function lossAndGradient(loss: Loss, labels: number[], smoothing: number) {
  return (logits: tf.Tensor, weights: tf.Tensor): tf.Tensor[] => {
    const y = tf.tensor1d(labels, 'int32');
    const f = (z: tf.Tensor) => tf.sum(tf.mul(loss(z as tf.Tensor2D, y, smoothing), weights));
    return [loss(logits as tf.Tensor2D, y, smoothing), tf.grad(f)(logits)];
  };
}

const fused: Loss = (z, y, s) => {
  const out = fusedCrossEntropy(z, y, s);
  assert.ok(out !== null, 'the kernel is registered on this backend');
  return out;
};

async function assertFusedMatchesComposed(logits: Input, labels: number[], smoothing: number): Promise<void> {
  const weights = randomInput([logits.shape[0]], 17);
  for (const backend of ['cpu', 'wasm'] as const) {
    const expected = await runOn(backend, [logits, weights], lossAndGradient(composedLoss, labels, smoothing));
    const actual = await runOn(backend, [logits, weights], lossAndGradient(fused, labels, smoothing));
    expected.forEach((e, i) => assert.ok(relativeError(actual[i], e) < 1e-5, `${backend}, output ${i}: relative error ${relativeError(actual[i], e)}`));
  }
}

describe('softmax cross-entropy as one kernel', () => {
  const labels = Array.from({ length: 64 }, (_, i) => (i * 7) % 10);
  for (const smoothing of [0, 0.1]) {
    it(`matches the composed loss and its gradient, batch 64 of 10 classes, smoothing ${smoothing}`, async () => {
      const logits = randomInput([64, 10], 3);
      await assertFusedMatchesComposed({ shape: logits.shape, values: logits.values.map((v) => 8 * v) }, labels, smoothing);
    });
  }

  it('on large logits (no overflow) and labels outside the classes', async () => {
    const values = Float32Array.from([500, -500, 0, 90, 88, -3, 1e-3, 0, 0, 40, -40, 7]);
    await assertFusedMatchesComposed({ shape: [4, 3], values }, [0, 2, 5, -1], 0.2);
    await assertFusedMatchesComposed({ shape: [4, 3], values }, [1, 1, 0, 2], 0);
  });

  it('is what the trainer\'s loss uses on wasm and cpu, and gives the same values on both', async () => {
    const logits = randomInput([8, 5], 4);
    const trainerLoss = (z: tf.Tensor) => {
      const before = tf.memory().numTensors;
      const out = crossEntropyPerExample(z as tf.Tensor2D, tf.tensor1d([0, 1, 2, 3, 4, 0, 1, 2], 'int32'), 0.1);
      assert.ok(tf.memory().numTensors - before <= 2, 'one kernel: the labels and the loss are the only new tensors');
      return [out];
    };
    const [wasm] = await runOn('wasm', [logits], trainerLoss);
    const [cpu] = await runOn('cpu', [logits], trainerLoss);
    assert.ok(relativeError(wasm, cpu) < 1e-6);
  });
});
