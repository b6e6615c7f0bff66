import { test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import { loadDataset } from '../../src/data/index.js';
import { isolateEnvironment, tempDir } from './fixtures.js';

isolateEnvironment();

const DEBIAN = '/usr/share/datasets/fashion-mnist';
const absent = !fs.existsSync(DEBIAN) && `Debian's dataset-fashion-mnist is not installed (${DEBIAN})`;

test("Debian's Fashion-MNIST: 60,000 train / 10,000 test, 6,000 per class, first image and label as published", { skip: absent }, async () => {
  const data = await loadDataset('fashion-mnist', { dataDir: tempDir(), download: false });
  assert.equal(data.source, DEBIAN);
  assert.equal(data.train.count, 60000);
  assert.equal(data.test.count, 10000);
  assert.deepEqual(data.train.shape, [28, 28, 1]);
  const histogram = new Array(10).fill(0);
  for (const label of data.train.labels) histogram[label]++;
  assert.deepEqual(histogram, new Array(10).fill(6000));
  const testHistogram = new Array(10).fill(0);
  for (const label of data.test.labels) testHistogram[label]++;
  assert.deepEqual(testHistogram, new Array(10).fill(1000));
  // The first training example is an ankle boot (label 9); its 784 bytes were hashed once with Python's gzip + hashlib.
  assert.equal(data.train.labels[0], 9);
  assert.equal(data.info.classNames[data.train.labels[0]], 'Ankle boot');
  const firstImage = crypto.createHash('sha256').update(data.train.images.subarray(0, 784)).digest('hex');
  assert.equal(firstImage, '5bd44e331a6d6998daf675700cd0c13dcd7af8ab954b7585124124da61459e7b');
});
