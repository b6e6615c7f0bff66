import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { batches } from '../../src/data/index.js';
import type { ImageSet, LoadedDataset, Normalisation } from '../../src/data/types.js';
import { parseArch } from '../../src/space/index.js';
import type { Shape3 } from '../../src/space/types.js';
import {
  buildModel,
  hasInputNormalisation,
  loadModel,
  NORMALISE_LAYER,
  RAW_INPUT,
  runTrainJob,
  saveWithInputNormalisation,
  withInputNormalisation,
} from '../../src/trainer/index.js';
import { allIndices, hyper, learnableImages, useCpu } from './helpers.js';

const SHAPE: Shape3 = [10, 10, 3];
const CLASSES = 3;
const ARCH = parseArch([
  { type: 'C', num_output: 3, kernel_size: [3, 3], stride: [1, 1], activation: 'relu', batch_norm: true, skip_from: -1 },
  { type: 'C', num_output: 4, kernel_size: [3, 3], stride: [2, 2], activation: 'elu', drop_out: 10 },
  { type: 'P', pool: 'max', kernel_size: [2, 2], stride: [2, 2] },
  { type: 'FC', num_output: 6, activation: 'relu', batch_norm: true },
]);
/** Layer classes of stock tfjs-layers that the exported models may hold. */
const STOCK = new Set(['InputLayer', 'DepthwiseConv2D', 'Conv2D', 'BatchNormalization', 'Add', 'Activation', 'Dropout', 'MaxPooling2D', 'Flatten', 'Dense']);

/** Three channels with different statistics (the second inverted, the third halved), learnable by row band. */
function colourImages(count: number, seed: number): ImageSet {
  const set = learnableImages(count, SHAPE, CLASSES, seed);
  for (let i = 0; i < set.images.length; i += 3) {
    set.images[i + 1] = 255 - set.images[i + 1];
    set.images[i + 2] = set.images[i + 2] >> 1;
  }
  return set;
}

const dataset: LoadedDataset = {
  info: { name: 'synthetic', inputShape: SHAPE, numClasses: CLASSES, classNames: ['a', 'b', 'c'] },
  train: colourImages(120, 1),
  test: colourImages(60, 2),
  source: 'memory',
};

/** Class scores of `model` on `set`, its images normalised as the trainer normalises them. */
function scoresNormalisedByNas(model: tf.LayersModel, set: ImageSet, norm: Normalisation): Float32Array {
  const [batch] = batches(set, allIndices(set.count), norm, { batchSize: set.count, shuffle: false, seed: 0 });
  return tf.tidy(() => (model.predict(tf.tensor4d(batch.x, [set.count, ...SHAPE])) as tf.Tensor).dataSync() as Float32Array);
}

/** Class scores of `model` on `set`'s raw pixels, 0-255 as float32. */
function scoresOfRawPixels(model: tf.LayersModel, set: ImageSet): Float32Array {
  return tf.tidy(() => (model.predict(tf.tensor4d(Float32Array.from(set.images), [set.count, ...SHAPE])) as tf.Tensor).dataSync() as Float32Array);
}

function argmax(scores: Float32Array): number[] {
  return Array.from({ length: scores.length / CLASSES }, (_, n) => {
    const row = Array.from(scores.subarray(n * CLASSES, (n + 1) * CLASSES));
    return row.indexOf(Math.max(...row));
  });
}

function maxDifference(a: Float32Array, b: Float32Array): number {
  assert.equal(a.length, b.length);
  return a.reduce((max, v, i) => Math.max(max, Math.abs(v - b[i])), 0);
}

describe('exported models: the normalisation baked in', () => {
  before(useCpu);

  it('raw pixels into the baked model give the scores of nas-normalised pixels into the trained one', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nas-export-'));
    const before = tf.memory().numTensors;
    try {
      const trained = path.join(dir, 'trained');
      const job = {
        arch: ARCH,
        hyper: hyper({ epochs: 2 }),
        data: { dataset: 'synthetic' as const, valFraction: 0.25, splitSeed: 3, trainLimit: 60, useTestSet: true },
        saveModelTo: trained,
      };
      const result = await runTrainJob(job, { dataset, backend: 'cpu' });
      const norm = result.normalisation;
      assert.ok(norm, 'a full training reports its normalisation');
      assert.equal(norm.images, 80, '60 training examples and the 20 of validation that go with them');
      assert.equal(norm.mean.length, 3);
      assert.ok(norm.mean[0] < 0.5 && norm.mean[1] > 0.5 && norm.mean[2] < norm.mean[0], `three channels, three means: ${norm.mean}`);

      const exported = path.join(dir, 'exported');
      assert.deepEqual(await saveWithInputNormalisation(trained, exported, norm), { baked: true });
      const plain = await loadModel(trained);
      const raw = await loadModel(exported);
      try {
        assert.ok(hasInputNormalisation(raw) && !hasInputNormalisation(plain));
        assert.equal(raw.inputs[0].name.startsWith(RAW_INPUT), true);
        assert.deepEqual(raw.inputs[0].shape, [null, ...SHAPE]);
        assert.equal(raw.layers[1].name, NORMALISE_LAYER);
        assert.equal(raw.countParams(), plain.countParams() + 6, 'a scale and a bias per channel');
        const expected = scoresNormalisedByNas(plain, dataset.test, norm);
        const actual = scoresOfRawPixels(raw, dataset.test);
        assert.ok(maxDifference(expected, actual) < 1e-5, `max difference ${maxDifference(expected, actual)}`);
        assert.deepEqual(argmax(actual), argmax(expected));
      } finally {
        raw.dispose();
        plain.dispose();
      }

      const modelJson = JSON.parse(fs.readFileSync(path.join(exported, 'model.json'), 'utf8'));
      const classes = (modelJson.modelTopology.config.layers as { class_name: string }[]).map((layer) => layer.class_name);
      assert.deepEqual(classes.filter((name) => !STOCK.has(name)), [], 'stock layers only');
      assert.equal(classes[1], 'DepthwiseConv2D');

      // A folder that has the normalisation already is saved as it is, not normalised twice.
      assert.deepEqual(await saveWithInputNormalisation(exported, path.join(dir, 'again'), { mean: [0, 0, 0], std: [1, 1, 1] }), { baked: false });
      assert.deepEqual(fs.readFileSync(path.join(dir, 'again', 'weights.bin')), fs.readFileSync(path.join(exported, 'weights.bin')));
      assert.equal(tf.memory().numTensors, before, 'no tensor left behind');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a channel with std 0 is only centred, as the training batches do; the weights are shared, freed with both models', () => {
    const before = tf.memory().numTensors;
    const model = buildModel(ARCH, SHAPE, CLASSES, { seed: 4 });
    const norm = { mean: [0.2, 0.5, 0.7], std: [0.3, 0, 0.1] };
    const raw = withInputNormalisation(model, norm);
    try {
      const expected = scoresNormalisedByNas(model, dataset.test, norm);
      const actual = scoresOfRawPixels(raw, dataset.test);
      assert.ok(maxDifference(expected, actual) < 1e-5, `max difference ${maxDifference(expected, actual)}`);
      assert.throws(() => withInputNormalisation(raw, norm), /already normalises/);
      assert.throws(() => withInputNormalisation(model, { mean: [0], std: [1] }), /1 channels, the model's input 3/);
    } finally {
      raw.dispose();
      model.dispose();
    }
    assert.equal(tf.memory().numTensors, before);
  });
});
