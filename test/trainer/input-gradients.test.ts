/**
 * The input gradients that training leaves uncomputed: those of the convolutions that read the data
 * (model/input-convs.ts, backends/kernels/unneeded-input-gradient.ts, used by trainModel's step).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { randomInput, relativeError, runOn } from './backends/helpers.js';
import { allIndices, hyper, learnableImages, unitNorm } from './helpers.js';
import { selectBackend } from '../../src/trainer/backends/index.js';
import { timeComposedKernels } from '../../src/trainer/backends/kernels/compose.js';
import { withoutInputGradients } from '../../src/trainer/backends/kernels/unneeded-input-gradient.js';
import { inputConvKernels } from '../../src/trainer/model/input-convs.js';
import { buildModel, trainModel, type TrainingData } from '../../src/trainer/index.js';
import { parseArch } from '../../src/space/index.js';

// The first conv feeds a skip: its output is read twice, its input (the data) never needs a gradient.
const ARCH = parseArch([
  { type: 'C', num_output: 8, kernel_size: 3, batch_norm: true },
  { type: 'C', num_output: 8, kernel_size: 3, batch_norm: true, skip_from: 0 },
  { type: 'P', pool: 'max', kernel_size: 2, drop_out: 10 },
  { type: 'T' },
]);

/** Fused conv2d with a bias and no activation (what a Conv2D layer before batch norm runs) and its gradients. */
function convAndGradients(filters: 'first' | 'second' | 'none') {
  return (x: tf.Tensor, w1: tf.Tensor, w2: tf.Tensor, r: tf.Tensor): tf.Tensor[] => {
    const bias = tf.zeros([8]);
    const net = (a: tf.Tensor, f1: tf.Tensor, f2: tf.Tensor) => {
      const h = tf.fused.conv2d({ x: a as tf.Tensor4D, filter: f1 as tf.Tensor4D, bias, strides: 1, pad: 'same' });
      return tf.sum(tf.mul(tf.fused.conv2d({ x: h, filter: f2 as tf.Tensor4D, bias, strides: 1, pad: 'same' }), r));
    };
    const named = filters === 'first' ? [w1] : filters === 'second' ? [w2] : [];
    return withoutInputGradients(named, () => tf.grads(net)([x, w1, w2]));
  };
}

describe('input gradients left uncomputed', () => {
  const inputs = [randomInput([2, 6, 6, 3], 1), randomInput([3, 3, 3, 8], 2), randomInput([3, 3, 8, 8], 3), randomInput([2, 6, 6, 8], 4)];

  it('are zeros on wasm for the named filter only, and every other gradient is unchanged', async () => {
    const expected = await runOn('cpu', inputs, convAndGradients('none'));
    const [dx, dw1, dw2] = await runOn('wasm', inputs, convAndGradients('first'));
    assert.ok(dx.every((v) => v === 0), 'the named filter\'s input gradient is zeros');
    assert.ok(relativeError(dw1, expected[1]) < 1e-4, 'first filter');
    assert.ok(relativeError(dw2, expected[2]) < 1e-4, 'second filter');
    // Naming the second filter drops the gradient that flows back into the first layer (the caller's contract).
    const [, skipped] = await runOn('wasm', inputs, convAndGradients('second'));
    assert.ok(skipped.every((v) => v === 0));
    const [dxAfter] = await runOn('wasm', inputs, convAndGradients('none'));
    assert.ok(relativeError(dxAfter, expected[0]) < 1e-4, 'outside the scope the input gradient is computed again');
  });

  it('are those of the convs on the model input, matched by the variables themselves', async () => {
    await selectBackend('cpu');
    const model = buildModel(ARCH, [6, 6, 1], 3, { seed: 1 });
    try {
      const convs = model.layers.filter((l) => l.getClassName() === 'Conv2D');
      assert.equal(convs.length, 2);
      const kernels = inputConvKernels(model);
      assert.equal(kernels.length, 1);
      assert.equal(kernels[0], convs[0].trainableWeights.find((w) => w.name.endsWith('kernel'))?.read());
    } finally {
      model.dispose();
    }
  });
});

function data(): TrainingData {
  const set = learnableImages(16, [6, 6, 1], 3);
  return { train: { set, indices: allIndices(16) }, val: { set, indices: allIndices(16) }, norm: unitNorm(1), classes: 3 };
}

// One conv, on the data: its input gradient is the only one a conv could take.
const ONE_CONV = parseArch([
  { type: 'C', num_output: 8, kernel_size: 3, batch_norm: true },
  { type: 'P', pool: 'max', kernel_size: 2, drop_out: 10 },
  { type: 'FC', num_output: 8, batch_norm: true },
  { type: 'T' },
]);

async function trainOn(backend: 'cpu' | 'wasm') {
  await selectBackend(backend);
  const model = buildModel(ONE_CONV, [6, 6, 1], 3, { seed: 5 });
  try {
    return await trainModel(model, data(), hyper({ epochs: 2, batchSize: 8, labelSmoothing: 0.1 }));
  } finally {
    model.dispose();
  }
}

it('trainModel on wasm skips the first conv\'s input gradient and gives the cpu backend\'s losses to 1e-3', async () => {
  const cpu = await trainOn('cpu');
  const inner = timeComposedKernels();
  const wasm = await trainOn('wasm');
  assert.deepEqual([...inner.keys()].filter((k) => k.startsWith('Conv2DBackpropInput/')), [], 'no input gradient convolution ran');
  assert.ok(inner.size > 0, 'the composed kernels were timed');
  cpu.history.forEach((expected, i) => {
    for (const key of ['trainLoss', 'valLoss'] as const) {
      const difference = Math.abs(wasm.history[i][key] - expected[key]);
      assert.ok(difference <= 1e-3 * Math.max(1, Math.abs(expected[key])), `epoch ${i + 1} ${key}: wasm ${wasm.history[i][key]} vs cpu ${expected[key]}`);
    }
  });
});
