import { test } from 'node:test';
import assert from 'node:assert/strict';
import { computeNormalisation, loadDataset, makeSplit } from '../../src/data/index.js';

test('synthetic: generated in memory, deterministic, balanced, 16x16x1 with 4 classes; sizes can be overridden', async () => {
  const a = await loadDataset('synthetic');
  const b = await loadDataset('synthetic');
  assert.equal(a.source, 'generated in memory');
  assert.deepEqual(a.info.inputShape, [16, 16, 1]);
  assert.equal(a.info.numClasses, 4);
  assert.equal(a.train.count, 600);
  assert.equal(a.test.count, 200);
  assert.deepEqual(a.train.images, b.train.images);
  assert.deepEqual(a.test.labels, b.test.labels);
  assert.notDeepEqual(a.train.images.subarray(0, 256 * 8), a.test.images.subarray(0, 256 * 8), 'test differs from train');
  const histogram = [0, 0, 0, 0];
  for (const label of a.train.labels) histogram[label]++;
  assert.deepEqual(histogram, [150, 150, 150, 150]);
  const small = await loadDataset('synthetic', { synthetic: { trainCount: 40, testCount: 8 } });
  assert.equal(small.train.count, 40);
  assert.deepEqual(small.train.images, a.train.images.subarray(0, 40 * 256));
  await assert.rejects(loadDataset('synthetic', { synthetic: { trainCount: 0 } }), /synthetic\.trainCount must be a positive integer/);
});

test('synthetic: the class is visible in the pixels (a bright bar whose orientation is the label)', async () => {
  const data = await loadDataset('synthetic');
  // Simple evidence of learnable structure: summing bright pixels along rows vs columns tells horizontal from vertical bars.
  let correct = 0;
  let asked = 0;
  for (let i = 0; i < data.train.count; i++) {
    const label = data.train.labels[i];
    if (label > 1) continue;
    const image = data.train.images.subarray(i * 256, (i + 1) * 256);
    const rowPeak = Math.max(...Array.from({ length: 16 }, (_, y) => image.subarray(y * 16, y * 16 + 16).filter((v) => v >= 170).length));
    const colPeak = Math.max(...Array.from({ length: 16 }, (_, x) => Array.from({ length: 16 }, (_, y) => image[y * 16 + x]).filter((v) => v >= 170).length));
    asked++;
    if ((rowPeak > colPeak ? 0 : 1) === label) correct++;
  }
  assert.ok(correct / asked > 0.95, `${correct}/${asked}`);
  const split = makeSplit(data.train.labels, 4, { valFraction: 0.1, seed: 0 });
  const norm = computeNormalisation(data.train, split.train);
  assert.ok(norm.mean[0] > 0.1 && norm.mean[0] < 0.3 && norm.std[0] > 0.1);
});
