import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { loadDataset } from '../../src/data/index.js';
import type { LoadedDataset } from '../../src/data/types.js';
import { parseArch } from '../../src/space/index.js';
import { buildModel, learningRateAt, loadModel, runTrainJob, trainModel, type TrainingData } from '../../src/trainer/index.js';
import type { EpochMetrics, TrainJob } from '../../src/trainer/types.js';
import { allIndices, hyper, learnableImages, unitNorm, useCpu } from './helpers.js';

const TINY_ARCH = parseArch([
  { type: 'C', num_output: 4, kernel_size: [3, 3], stride: [2, 2], activation: 'relu', drop_out: 10 },
  { type: 'P', pool: 'max', kernel_size: [2, 2], stride: [2, 2] },
  { type: 'FC', num_output: 8, activation: 'relu', batch_norm: true },
]);

function tinyData(count = 48): TrainingData {
  const set = learnableImages(count, [8, 8, 1], 3);
  return { train: { set, indices: allIndices(count) }, val: { set, indices: allIndices(count) }, norm: unitNorm(1), classes: 3 };
}

async function train(overrides: Parameters<typeof hyper>[0], onEpoch?: (m: EpochMetrics) => 'continue' | 'prune', arch = TINY_ARCH) {
  const model = buildModel(arch, [8, 8, 1], 3, { seed: 1 });
  try {
    return await trainModel(model, tinyData(), hyper(overrides), { onEpoch });
  } finally {
    model.dispose();
  }
}

describe('trainModel', () => {
  before(useCpu);

  it('learns a learnable problem and leaves no tensors behind', async () => {
    const before = tf.memory().numTensors;
    const run = await train({ epochs: 6, learningRate: 0.03 });
    assert.equal(run.status, 'completed');
    assert.equal(run.history.length, 6);
    assert.ok(run.history[5].trainLoss < run.history[0].trainLoss, JSON.stringify(run.history.map((h) => h.trainLoss)));
    assert.ok(run.history[5].valAcc > 0.6, `val acc ${run.history[5].valAcc}`);
    assert.equal(tf.memory().numTensors, before);
  });

  for (const optimizer of ['adam', 'sgd'] as const) {
    it(`is deterministic for a seed (${optimizer}, cosine schedule, dropout, weight decay, label smoothing)`, async () => {
      const settings = { epochs: 2, optimizer, schedule: 'cosine' as const, weightDecay: 1e-3, labelSmoothing: 0.1 };
      const [a, b] = [await train(settings), await train(settings)];
      const losses = (run: typeof a) => run.history.map((h) => [h.trainLoss, h.valLoss]);
      assert.deepEqual(losses(a), losses(b));
      assert.notDeepEqual(losses(await train({ ...settings, seed: 8 })), losses(a));
    });
  }

  it('under a time limit trains only the epochs that fit, and says how many it plans', async () => {
    const run = await train({ epochs: 4, timeLimitSeconds: 1e-6 });
    assert.equal(run.status, 'completed');
    assert.equal(run.history.length, 1);
    assert.equal(run.history[0].plannedEpochs, 1);
    assert.equal((await train({ epochs: 2, timeLimitSeconds: 1e6 })).history.length, 2);
  });

  it("stops after the epoch whose hook answers 'prune'", async () => {
    const seen: number[] = [];
    const run = await train({ epochs: 5 }, (m) => (seen.push(m.epoch), m.epoch === 2 ? 'prune' : 'continue'));
    assert.equal(run.status, 'pruned');
    assert.deepEqual(seen, [1, 2]);
    assert.equal(run.history.length, 2);
  });

  it('stops at once on a non-finite loss', async () => {
    const before = tf.memory().numTensors;
    const run = await train({ epochs: 3, optimizer: 'sgd', learningRate: 1e30 });
    assert.equal(run.status, 'nan');
    assert.equal(run.history.length, 0);
    assert.equal(tf.memory().numTensors, before);
  });

  it('stops early when validation loss has not improved for `patience` epochs', async () => {
    // Learning rate 0 and no batch norm (whose moving statistics would still move): the loss never improves.
    const frozen = parseArch([{ type: 'FC', num_output: 4, activation: 'relu' }]);
    const run = await train({ epochs: 10, learningRate: 0, earlyStoppingPatience: 2 }, undefined, frozen);
    assert.equal(run.status, 'completed');
    assert.equal(run.history.length, 3);
  });

  it('stops with an AbortError when its signal fires mid-epoch, freeing its tensors', async () => {
    const before = tf.memory().numTensors;
    const controller = new AbortController();
    const model = buildModel(TINY_ARCH, [8, 8, 1], 3, { seed: 1 });
    let steps = 0;
    const training = trainModel(model, tinyData(), hyper({ epochs: 3, batchSize: 4 }), {
      signal: controller.signal,
      onStep: () => {
        if (++steps === 2) setTimeout(() => controller.abort(), 0);
      },
    });
    await assert.rejects(training, { name: 'AbortError' });
    assert.ok(steps < 12, `stopped after ${steps} steps`);
    model.dispose();
    assert.equal(tf.memory().numTensors, before);
  });

  it('follows a cosine learning-rate schedule per step', () => {
    const h = { learningRate: 0.1, schedule: 'cosine' as const };
    assert.equal(learningRateAt(h, 0, 100), 0.1);
    assert.ok(Math.abs(learningRateAt(h, 50, 100) - 0.05) < 1e-12);
    assert.ok(learningRateAt(h, 99, 100) < 1e-4);
    assert.equal(learningRateAt({ ...h, schedule: 'constant' }, 70, 100), 0.1);
  });
});

describe('runTrainJob', () => {
  let synthetic: LoadedDataset;
  before(async () => {
    await useCpu();
    synthetic = await loadDataset('synthetic');
  });

  const job = (overrides: Partial<TrainJob> = {}): TrainJob => ({
    arch: parseArch([{ type: 'C', num_output: 4, kernel_size: [3, 3], stride: [2, 2], activation: 'relu' }, { type: 'P', pool: 'global_avg' }]),
    data: { dataset: 'synthetic', valFraction: 0.25, trainLimit: 64, splitSeed: 3, useTestSet: false },
    hyper: hyper({ epochs: 2, batchSize: 16 }),
    ...overrides,
  });

  it('trains on the split and reports the reward, history, parameters and backend', async () => {
    const before = tf.memory().numTensors;
    const result = await runTrainJob(job(), { dataset: synthetic, backend: 'cpu' });
    assert.equal(result.status, 'completed');
    assert.equal(result.epochs, 2);
    assert.equal(result.valAcc, Math.max(...result.history.map((h) => h.valAcc)));
    assert.equal(result.params, 4 * 9 + 4 + 4 * 4 + 4);
    assert.equal(result.backend, 'cpu');
    assert.ok(result.imagesPerSecond > 0);
    assert.equal(result.test, undefined);
    assert.equal(tf.memory().numTensors, before);
  });

  it('scores on valLimit validation examples when given, instead of the share trainLimit leaves', async () => {
    const scoredOn = (valLimit?: number) =>
      runTrainJob(job({ data: { ...job().data, ...(valLimit ? { valLimit } : {}) } }), { dataset: synthetic, backend: 'cpu' });
    const isMultipleOf = (acc: number, n: number) => Math.abs(acc * n - Math.round(acc * n)) < 1e-9;
    const proportional = await scoredOn();
    const limited = await scoredOn(40);
    const accuracies = [...proportional.history, ...limited.history].map((h) => h.valAcc);
    assert.ok(accuracies.every((acc) => acc > 0 && acc < 1), `accuracies strictly inside (0, 1): ${accuracies}`);
    assert.ok(proportional.history.every((h) => isMultipleOf(h.valAcc, 21)), '64 training examples at 1:3 leave 21 to validate');
    assert.ok(limited.history.every((h) => isMultipleOf(h.valAcc, 40) && !isMultipleOf(h.valAcc, 21)), 'scored on 40');
  });

  it('a full training trains on train + validation, evaluates the test set once and saves the model', async () => {
    const dir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'nas-full-training-')), 'model');
    const before = tf.memory().numTensors;
    try {
      const result = await runTrainJob(job({ data: { ...job().data, useTestSet: true }, saveModelTo: dir }), { dataset: synthetic, backend: 'cpu' });
      assert.ok(result.test);
      const test = result.test;
      assert.equal(test.confusion.flat().reduce((a, b) => a + b, 0), synthetic.test.count);
      assert.deepEqual(test.perClass.map((c) => c.support), [50, 50, 50, 50]);
      assert.ok(result.history.length === 2 && result.history.every((h) => Number.isNaN(h.valAcc) && Number.isNaN(h.valLoss)), 'no per-epoch look at the test set');
      assert.equal(result.modelPath, dir);
      assert.equal(tf.memory().numTensors, before);
      const loaded = await loadModel(dir);
      assert.equal(loaded.countParams(), result.params);
      loaded.dispose();
    } finally {
      fs.rmSync(path.dirname(dir), { recursive: true, force: true });
    }
  });
});
