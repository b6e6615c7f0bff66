import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { describeCustomDataset, isDatasetPath, loadCustomDataset, loadDataset, summaryLine } from '../../src/data/index.js';
import { ConfigError, DataError } from '../../src/errors.js';
import { isolateEnvironment, tempDir } from './fixtures.js';
import { bombPng, imageFolder, pattern, writeImage } from './image-fixtures.js';

isolateEnvironment();

const refused = (pattern: RegExp) => (error: unknown) => error instanceof DataError && pattern.test(error.message);

test('a value with a separator, a known extension or naming a folder is a path; a shipped name never is', () => {
  const cwd = process.cwd();
  const dir = tempDir();
  fs.mkdirSync(path.join(dir, 'photos'));
  fs.mkdirSync(path.join(dir, 'mnist'));
  process.chdir(dir);
  try {
    assert.equal(isDatasetPath('./photos'), true);
    assert.equal(isDatasetPath('photos'), true);
    assert.equal(isDatasetPath('data.npz'), true);
    assert.equal(isDatasetPath('pixels.CSV'), true);
    assert.equal(isDatasetPath('mnist'), false, 'a folder named like a shipped dataset does not hide it');
    assert.equal(isDatasetPath('./mnist'), true);
    assert.equal(isDatasetPath('imagenet'), false);
  } finally {
    process.chdir(cwd);
  }
});

test('classes from the sorted folder names, class-major order, a stratified held-out test set, the same on every load', async () => {
  const root = path.join(tempDir(), 'photos');
  await imageFolder(root, ['zebra', 'ant', 'moth'], 10);
  fs.writeFileSync(path.join(root, 'README.md'), 'notes');
  fs.writeFileSync(path.join(root, 'ant', 'labels.txt'), 'x');
  fs.writeFileSync(path.join(root, 'ant', '.DS_Store'), 'x');
  const dataDir = tempDir();
  const first = await loadCustomDataset(root, {}, { dataDir });
  const { descriptor, dataset, stats } = first;
  assert.deepEqual(descriptor.classNames, ['ant', 'moth', 'zebra']);
  assert.deepEqual(descriptor.shape, [12, 12, 1], 'every image is grayscale: one channel');
  assert.deepEqual(descriptor.counts, { train: 24, test: 6 });
  assert.equal(descriptor.testSplit, 'held-out');
  assert.deepEqual([stats.images, stats.ignored, stats.skipped, stats.decoded], [30, 3, 0, true]);
  const perClass = (labels: Uint8Array) => [0, 1, 2].map((c) => labels.filter((label) => label === c).length);
  assert.deepEqual(perClass(dataset.test.labels), [2, 2, 2], 'stratified');
  assert.deepEqual([...dataset.train.labels], [...dataset.train.labels].sort(), 'class-major');
  // The first training image of 'ant' (class 1 when written, label 0 now) is ant/0000.png unless it was held out.
  const again = await loadCustomDataset(root, {}, { dataDir });
  assert.equal(again.stats.decoded, false, 'the second load reads the dataset cache');
  assert.deepEqual(Buffer.from(again.dataset.train.images), Buffer.from(dataset.train.images));
  assert.deepEqual(Buffer.from(again.dataset.test.labels), Buffer.from(dataset.test.labels));
  assert.deepEqual(again.descriptor, descriptor);
  assert.match(summaryLine(descriptor, stats), /30 images in 3 classes \(24 train, 6 test held out\), 12x12x1; 3 non-image files ignored; decoded in/);
  const viaLoadDataset = await loadDataset(root, { dataDir });
  assert.equal(viaLoadDataset.info.numClasses, 3);
  assert.equal(viaLoadDataset.info.name, root);
});

test('a changed folder is decoded anew; other options are another cache entry; a described load refuses changed content', async () => {
  const root = path.join(tempDir(), 'photos');
  await imageFolder(root, ['a', 'b'], 6, { channels: 3, format: 'jpg', sizes: [[10, 14], [10, 14], [20, 20]] });
  const dataDir = tempDir();
  const first = await describeCustomDataset(root, {}, { dataDir });
  assert.deepEqual(first.descriptor.shape, [10, 14, 3], 'the most common size; RGB files: three channels');
  assert.equal((await describeCustomDataset(root, {}, { dataDir })).stats.decoded, false);
  // The defaults' single probe pass (images of that size kept, the others resized) decodes as one pass with them given.
  const byDefault = await loadCustomDataset(root, {}, { dataDir: tempDir() });
  const given = await loadCustomDataset(root, { imageSize: [10, 14], channels: 3 }, { dataDir: tempDir() });
  assert.ok(Buffer.from(byDefault.dataset.train.images).equals(Buffer.from(given.dataset.train.images)));
  assert.ok(Buffer.from(byDefault.dataset.test.images).equals(Buffer.from(given.dataset.test.images)));
  const gray = await loadCustomDataset(root, { imageSize: [8, 6], channels: 1, testFraction: 0.5 }, { dataDir });
  assert.deepEqual([gray.descriptor.shape, gray.descriptor.counts, gray.stats.decoded], [[8, 6, 1], { train: 6, test: 6 }, true]);
  assert.equal(gray.dataset.train.images.length, 6 * 8 * 6);
  // Touched, same bytes: decoded again, same content fingerprint.
  const file = path.join(root, 'a', '0001.jpg');
  fs.utimesSync(file, new Date(), new Date(Date.now() + 5000));
  const touched = await describeCustomDataset(root, {}, { dataDir });
  assert.equal(touched.stats.decoded, true);
  assert.equal(touched.descriptor.fingerprint, first.descriptor.fingerprint);
  // Other bytes: another fingerprint, and loading the experiment's descriptor is refused.
  await writeImage(file, pattern(10, 14, 3, 1, 99), 10, 14, 3, 'jpg');
  const changed = await describeCustomDataset(root, {}, { dataDir });
  assert.notEqual(changed.descriptor.fingerprint, first.descriptor.fingerprint);
  await assert.rejects(loadDataset(root, { dataDir, descriptor: first.descriptor }), refused(/is not the data the experiment was read from: its files changed/));
  fs.renameSync(root, `${root}-moved`);
  await assert.rejects(loadDataset(root, { dataDir, descriptor: changed.descriptor }), refused(/which is not there any more: if it moved, give --dataset NEWPATH/));
});

test('train/ and test/ give the test set; test classes must be training classes', async () => {
  const root = path.join(tempDir(), 'split');
  await imageFolder(root, ['cat', 'dog'], 4, { sub: 'train' });
  await imageFolder(root, ['cat', 'dog'], 2, { sub: 'test' });
  const read = await loadCustomDataset(root, {}, { dataDir: tempDir() });
  assert.deepEqual([read.descriptor.testSplit, read.descriptor.counts, read.descriptor.classNames], ['given', { train: 8, test: 4 }, ['cat', 'dog']]);
  await assert.rejects(loadCustomDataset(root, { testFraction: 0.3 }, { dataDir: tempDir() }), (error) => error instanceof ConfigError && /--test-fraction: .* has its own test\/ folder/.test(error.message));
  await imageFolder(root, ['emu'], 1, { sub: 'test' });
  await assert.rejects(loadCustomDataset(root, {}, { dataDir: tempDir() }), refused(/class folder 'emu' not in/));
});

test('bad folders: one class, an empty class, undecodable images over 1 %, a decompression bomb, a symlink loop; nothing cached', async () => {
  const dataDir = tempDir();
  const one = path.join(tempDir(), 'one');
  await imageFolder(one, ['only'], 3);
  await assert.rejects(loadCustomDataset(one, {}, { dataDir }), refused(/one class folder \('only'\); a dataset folder needs one subfolder of images per class, two classes at least/));
  const empty = path.join(tempDir(), 'empty');
  await imageFolder(empty, ['a', 'b'], 3);
  fs.mkdirSync(path.join(empty, 'c'));
  fs.writeFileSync(path.join(empty, 'c', 'notes.txt'), 'no images here');
  await assert.rejects(loadCustomDataset(empty, {}, { dataDir }), refused(/c: class folder with no images \(\.png, \.jpg, \.jpeg, \.webp\)/));

  const corrupt = path.join(tempDir(), 'corrupt');
  await imageFolder(corrupt, ['a', 'b'], 100);
  const victim = path.join(corrupt, 'a', '0007.png');
  fs.writeFileSync(victim, fs.readFileSync(victim).subarray(0, 60));
  const skipped = await loadCustomDataset(corrupt, { imageSize: [12, 12], channels: 1 }, { dataDir });
  assert.deepEqual([skipped.stats.images, skipped.stats.skipped], [200, 1]);
  assert.equal(skipped.descriptor.counts.train + skipped.descriptor.counts.test, 199);
  assert.match(summaryLine(skipped.descriptor, skipped.stats), /1 image that cannot be decoded skipped \(a\/0007\.png: /);
  fs.writeFileSync(path.join(corrupt, 'b', '0003.jpg'), 'not a jpeg at all');
  fs.writeFileSync(path.join(corrupt, 'b', '0004.png'), '');
  await assert.rejects(loadCustomDataset(corrupt, {}, { dataDir }), refused(/3 of 201 images \(1\.5 %\) cannot be decoded, more than the 1 % that is skipped/));

  const cached = fs.readdirSync(path.join(dataDir, 'decoded'));
  const bomb = path.join(tempDir(), 'bomb');
  await imageFolder(bomb, ['a', 'b'], 3);
  fs.writeFileSync(path.join(bomb, 'b', 'huge.png'), bombPng(20000, 20000));
  for (const options of [{}, { imageSize: [12, 12] as [number, number], channels: 1 as const }]) {
    await assert.rejects(loadCustomDataset(bomb, options, { dataDir }), refused(/huge\.png: 20000x20000 pixels, over the limit of 178,956,970 \(a decompression bomb\?\)/));
  }
  const loop = path.join(tempDir(), 'loop');
  await imageFolder(loop, ['a', 'b'], 3);
  fs.symlinkSync('..', path.join(loop, 'a', 'up'));
  await assert.rejects(loadCustomDataset(loop, {}, { dataDir }), refused(/symlink loop/));
  const self = path.join(tempDir(), 'self');
  await imageFolder(self, ['a', 'b'], 3);
  fs.symlinkSync('me', path.join(self, 'b', 'me'));
  await assert.rejects(loadCustomDataset(self, {}, { dataDir }), refused(/me: symlink loop/));
  assert.deepEqual(fs.readdirSync(path.join(dataDir, 'decoded')), cached, 'a refused folder writes nothing to the cache');
});

test('folders of more than a thousand images decode in worker processes, to the same pixels', async () => {
  const root = path.join(tempDir(), 'many');
  await imageFolder(root, ['a', 'b', 'c'], 400, { channels: 3, format: 'png', sizes: [[9, 7]] });
  const read = await loadCustomDataset(root, { testFraction: 0.25 }, { dataDir: tempDir() });
  assert.deepEqual([read.descriptor.shape, read.descriptor.counts], [[9, 7, 3], { train: 900, test: 300 }]);
  // Every training image is its file's pattern: the held-out split keeps class-major order within each set.
  const size = 9 * 7 * 3;
  const firstOfB = read.dataset.train.labels.indexOf(1);
  const image = read.dataset.train.images.subarray(firstOfB * size, (firstOfB + 1) * size);
  const candidates = Array.from({ length: 400 }, (_, i) => Buffer.from(pattern(9, 7, 3, 1, i)));
  assert.ok(candidates.some((expected) => expected.equals(Buffer.from(image))), 'decoded in a worker, byte-equal to a written PNG');
});

test('WebP files decode losslessly; a JPEG turned by its EXIF orientation is read upright; transparency is flattened onto black', async () => {
  const root = path.join(tempDir(), 'kinds');
  await imageFolder(root, ['a', 'b'], 3, { channels: 3, format: 'webp', sizes: [[6, 4]] });
  const sharp = (await import('sharp')).default;
  const clear = Buffer.alloc(6 * 4 * 4);
  for (let p = 0; p < 24; p++) clear.set([200, 100, 50, 0], p * 4);
  await sharp(clear, { raw: { width: 4, height: 6, channels: 4 } }).png().toFile(path.join(root, 'b', 'clear.png'));
  const read = await loadCustomDataset(root, { testFraction: 0.1 }, { dataDir: tempDir() });
  assert.deepEqual(read.descriptor.shape, [6, 4, 3]);
  const all = (set: { images: Uint8Array; count: number }) => Array.from({ length: set.count }, (_, i) => Buffer.from(set.images.subarray(i * 72, (i + 1) * 72)));
  const images = [...all(read.dataset.train), ...all(read.dataset.test)];
  for (let i = 0; i < 3; i++) assert.ok(images.some((image) => image.equals(Buffer.from(pattern(6, 4, 3, 0, i)))), `a/${i}.webp read back exactly`);
  assert.ok(images.some((image) => image.equals(Buffer.alloc(72))), 'fully transparent pixels are black');

  // Stored 4 wide and 6 high with orientation 6 (turn 90 degrees clockwise to view): upright, 4 high and 6 wide.
  const turned = path.join(tempDir(), 'turned');
  for (const name of ['a', 'b']) {
    fs.mkdirSync(path.join(turned, name), { recursive: true });
    await sharp(Buffer.from(pattern(6, 4, 3, 0, 9)), { raw: { width: 4, height: 6, channels: 3 } })
      .jpeg({ quality: 95 })
      .withMetadata({ orientation: 6 })
      .toFile(path.join(turned, name, 'turned.jpg'));
  }
  const upright = await describeCustomDataset(turned, { testFraction: 0.5 }, { dataDir: tempDir() });
  assert.deepEqual(upright.descriptor.shape, [4, 6, 3]);
});

test('a .csv of pixels goes through the same cache, held-out test split and descriptor as a folder', async () => {
  const dir = tempDir();
  const file = path.join(dir, 'pixels.csv');
  const row = (i: number) => `${i % 2},${Array.from({ length: 16 }, (_, p) => (p * 9 + i) % 256).join(' ')}`;
  fs.writeFileSync(file, ['label,pixels', ...Array.from({ length: 40 }, (_, i) => row(i)), ''].join('\n'));
  const first = await loadCustomDataset(file, {}, { dataDir: dir });
  assert.deepEqual([first.descriptor.kind, first.descriptor.shape, first.descriptor.counts, first.descriptor.testSplit], ['csv', [4, 4, 1], { train: 32, test: 8 }, 'held-out']);
  assert.match(summaryLine(first.descriptor, first.stats), /40 examples in 2 classes \(32 train, 8 test held out\), 4x4x1; read in/);
  const again = await loadCustomDataset(file, {}, { dataDir: dir });
  assert.equal(again.stats.decoded, false);
  assert.deepEqual(again.descriptor, first.descriptor);
  await assert.rejects(loadCustomDataset(file, { channels: 3 }, { dataDir: dir }), (error) => error instanceof ConfigError && /--channels applies to image folders; .* is a \.csv file/.test(error.message));
  fs.appendFileSync(file, `${row(40)}\n`);
  await assert.rejects(loadDataset(file, { dataDir: dir, descriptor: first.descriptor }), refused(/its files changed \(content fingerprint [0-9a-f]{12} then, [0-9a-f]{12} now; 40 examples then, 41 now\)/));
});
