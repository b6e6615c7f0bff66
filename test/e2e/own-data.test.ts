import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import sharp from 'sharp';
import type { Preprocessing } from '../../src/app/index.js';
import { loadDataset, type DatasetDescriptor, type ImageSet } from '../../src/data/index.js';
import { imageFolder, pattern, writeImage } from '../data/image-fixtures.js';
import { assertOneLineError, runCli, tmpDir, TINY_SPACE, rows } from './cli.js';

const DEBIAN = '/usr/share/datasets/fashion-mnist';
const absent = !fs.existsSync(DEBIAN) && `Debian's dataset-fashion-mnist is not installed (${DEBIAN})`;
/** Sorted, these names give the classes Fashion-MNIST's label order ('T-shirt/top' cannot be a folder name). */
const CLASS_FOLDERS = ['0-tshirt-top', '1-trouser', '2-pullover', '3-dress', '4-coat', '5-sandal', '6-shirt', '7-sneaker', '8-bag', '9-ankle-boot'];

/**
 * The exported folder of replay 1 (of an RGB image folder), used as a user would: stock tfjs in Node loads it, and
 * the user's own files, resized as preprocessing.json says, go in as raw 0-255 pixels. On the experiment's test
 * images this gives nas's own evaluation exactly: the confusion matrix the replay recorded.
 */
async function checkExport(folder: string, descriptor: DatasetDescriptor, db: string, dataDir: string): Promise<void> {
  assert.deepEqual(fs.readdirSync(folder).sort(), ['labels.json', 'model.json', 'preprocessing.json', 'weights.bin']);
  const read = (file: string) => JSON.parse(fs.readFileSync(path.join(folder, file), 'utf8'));
  const labels = read('labels.json') as string[];
  assert.deepEqual(labels, ['circle', 'square', 'star']);
  const { input, normalisation, resize } = read('preprocessing.json') as Preprocessing;
  const [replay] = rows(db, 'SELECT hyper, confusion FROM replays WHERE id = 1');
  const settings = JSON.parse(replay!.hyper as string) as { preprocessing: Preprocessing };
  assert.deepEqual(input, { shape: [32, 32, 3], channelOrder: 'HWC', colour: 'rgb', dtype: 'float32', pixels: 'raw', range: [0, 255], normalisedInModel: true });
  assert.deepEqual([normalisation.computedOn.dataset, normalisation.computedOn.images], [descriptor.path, 96]);
  assert.deepEqual({ mean: normalisation.mean, std: normalisation.std }, { mean: settings.preprocessing.normalisation.mean, std: settings.preprocessing.normalisation.std });
  const { train, test } = await loadDataset(descriptor.path, { descriptor, dataDir });
  for (let c = 0; c < 3; c++) {
    const values = Array.from(train.images.filter((_, p) => p % 3 === c), (v) => v / 255);
    const mean = values.reduce((a, b) => a + b) / values.length;
    const std = Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length);
    assert.ok(Math.abs(normalisation.mean[c]! - mean) < 1e-4 && Math.abs(normalisation.std[c]! - std) < 1e-4, `channel ${c}: the statistics of the 96 training images`);
  }
  assert.deepEqual(resize, { height: 32, width: 32, fit: 'fill: stretched to height x width, the aspect ratio not kept', kernel: "lanczos3 (sharp's default)",
    alpha: 'flattened onto black', colour: 'sRGB' });

  // Every file of the folder, decoded and resized by the rule, keyed by its pixels.
  const files = new Map<string, { file: string; pixels: Buffer }>();
  for (const file of (fs.readdirSync(descriptor.path, { recursive: true }) as string[]).filter((f) => f.endsWith('.jpg'))) {
    const pixels = await sharp(path.join(descriptor.path, file)).flatten({ background: '#000000' }).toColourspace('srgb')
      .resize(resize!.width as number, resize!.height as number, { fit: 'fill', kernel: 'lanczos3' }).raw().toBuffer();
    files.set(pixels.toString('base64'), { file, pixels });
  }
  const size = input.shape[0] * input.shape[1] * input.shape[2];
  const mine = Array.from({ length: test.count }, (_, i) => {
    const found = files.get(Buffer.from(test.images.subarray(i * size, (i + 1) * size)).toString('base64'));
    assert.ok(found, `test image ${i} is one of the files, resized by the rule to the very pixels nas trained on`);
    assert.equal(path.dirname(found.file), labels[test.labels[i]!], 'labels.json names its class folder');
    return found.pixels;
  });

  await tf.setBackend('cpu');
  const model = JSON.parse(fs.readFileSync(path.join(folder, 'model.json'), 'utf8'));
  const weights = Buffer.concat(model.weightsManifest.flatMap((group: { paths: string[] }) => group.paths.map((p) => fs.readFileSync(path.join(folder, p)))));
  const net = await tf.loadLayersModel(tf.io.fromMemory({
    modelTopology: model.modelTopology,
    weightSpecs: model.weightsManifest.flatMap((group: { weights: tf.io.WeightsManifestEntry[] }) => group.weights),
    weightData: weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.length),
  }));
  const classesOf = (scale: number): number[] => tf.tidy(() => {
    const x = tf.tensor4d(Float32Array.from(Buffer.concat(mine), (v) => v * scale), [mine.length, ...input.shape]);
    return Array.from((net.predict(x) as tf.Tensor).argMax(1).dataSync());
  });
  const confusionOf = (predicted: number[]): number[][] => {
    const matrix = labels.map(() => labels.map(() => 0));
    predicted.forEach((k, i) => matrix[test.labels[i]!]![k]! += 1);
    return matrix;
  };
  const raw = classesOf(1);
  assert.deepEqual(confusionOf(raw), JSON.parse(replay!.confusion as string), `the exported model predicts ${raw.join(',')} from raw pixels, as nas evaluated it`);
  assert.deepEqual(classesOf(1), raw, 'deterministic');
  assert.notDeepEqual(classesOf(1 / 255), raw, 'the check can fail: pixel / 255 would change the predictions');
  net.dispose();
}


/** The first `count` examples of `set`, in the order a folder is read: by class, then by file name (the index). */
function classMajor(set: ImageSet, count: number): { images: Buffer; labels: Buffer; order: number[] } {
  const order = Array.from({ length: count }, (_, i) => i).sort((a, b) => set.labels[a]! - set.labels[b]! || a - b);
  const images = Buffer.concat(order.map((i) => set.images.subarray(i * 784, (i + 1) * 784)));
  return { images, labels: Buffer.from(order.map((i) => set.labels[i]!)), order };
}

function idxFile(magic: number, dims: number[], body: Buffer): Buffer {
  const header = Buffer.alloc(4 + 4 * dims.length);
  header.writeUInt32BE(magic, 0);
  dims.forEach((dim, i) => header.writeUInt32BE(dim, 4 + 4 * i));
  return zlib.gzipSync(Buffer.concat([header, body]));
}

test('parity: 2,000 + 500 Fashion-MNIST images as PNG folders read back byte-equal, and a seeded search on them matches the IDX search', { skip: absent }, async () => {
  const dir = tmpDir();
  const full = await loadDataset('fashion-mnist', { dataDir: path.join(dir, 'no-data'), download: false });
  const folder = path.join(dir, 'fashion');
  const subsets = { train: classMajor(full.train, 2000), test: classMajor(full.test, 500) };
  for (const [split, set] of [['train', full.train], ['test', full.test]] as const) {
    await Promise.all(subsets[split].order.map((i) =>
      writeImage(path.join(folder, split, CLASS_FOLDERS[set.labels[i]!]!, `${String(i).padStart(5, '0')}.png`), set.images.subarray(i * 784, (i + 1) * 784), 28, 28, 1),
    ));
  }
  // The same images as IDX files, in the order the folder is read, where --data-dir finds them before Debian's.
  const idxDir = path.join(dir, 'data', 'fashion-mnist');
  fs.mkdirSync(idxDir, { recursive: true });
  for (const [split, prefix] of [['train', 'train'], ['test', 't10k']] as const) {
    const { images, labels } = subsets[split];
    fs.writeFileSync(path.join(idxDir, `${prefix}-images-idx3-ubyte.gz`), idxFile(2051, [labels.length, 28, 28], images));
    fs.writeFileSync(path.join(idxDir, `${prefix}-labels-idx1-ubyte.gz`), idxFile(2049, [labels.length], labels));
  }
  const env = { NAS_DATA_DIR: path.join(dir, 'cache') };
  const fromFolder = await loadDataset(folder, { dataDir: env.NAS_DATA_DIR });
  const fromIdx = await loadDataset('fashion-mnist', { dataDir: path.join(dir, 'data'), download: false });
  assert.equal(fromIdx.source, idxDir);
  assert.deepEqual([fromFolder.train.count, fromFolder.test.count, fromFolder.train.shape], [2000, 500, [28, 28, 1]]);
  for (const split of ['train', 'test'] as const) {
    assert.ok(Buffer.from(fromFolder[split].images).equals(Buffer.from(fromIdx[split].images)), `${split} pixels byte-equal`);
    assert.ok(Buffer.from(fromFolder[split].labels).equals(Buffer.from(fromIdx[split].labels)), `${split} labels equal`);
  }

  const search = ['search', '--space', TINY_SPACE, '--trials', '10', '--epochs', '1', '--train-limit', '300', '--val-limit', '100', '--batch-size', '32',
    '--backend', 'cpu', '--seed', '5', '--concurrency', '2', '--controller-batch', '5', '--quiet'];
  const [a, b] = await Promise.all([
    runCli([...search, '--dataset', folder, '--db', 'folder.db'], { cwd: dir, env }),
    runCli([...search, '--dataset', 'fashion-mnist', '--data-dir', path.join(dir, 'data'), '--db', 'idx.db'], { cwd: dir, env }),
  ]);
  assert.equal(a.code, 0, a.stderr);
  assert.equal(b.code, 0, b.stderr);
  const trials = (file: string) => rows(path.join(dir, file), 'SELECT seq, hash, status, reward, val_acc FROM trials ORDER BY seq');
  const folderTrials = trials('folder.db');
  assert.equal(folderTrials.length, 10);
  assert.ok(folderTrials.some((t) => (t.reward as number) > 0.3), 'the trials learned something');
  assert.deepEqual(folderTrials, trials('idx.db'), 'same hashes, statuses and rewards, trial by trial');
});

test('mixed JPEG sizes: resized, searched, replayed, exported; a moved folder is found with --dataset, a changed file is refused', async () => {
  const dir = tmpDir();
  const env = { NAS_DATA_DIR: path.join(dir, 'cache') };
  const cwd = { cwd: dir, env };
  await imageFolder(path.join(dir, 'mixed'), ['circle', 'square', 'star'], 40, { channels: 3, format: 'jpg', sizes: [[32, 32], [24, 40], [32, 32], [48, 36]] });
  const search = await runCli(['search', '--dataset', 'mixed', '--space', TINY_SPACE, '--trials', '3', '--controller-batch', '3', '--epochs', '1',
    '--val-fraction', '0.3', '--batch-size', '16', '--backend', 'cpu'], cwd);
  assert.equal(search.code, 0, search.stderr);
  const where = path.join(dir, 'mixed');
  assert.match(search.stdout, /^data: .*mixed: 120 images in 3 classes \(96 train, 24 test held out\), 32x32x3; decoded in [\d.]+ s, cached\n/);
  assert.match(search.stdout, /experiment mixed-tiny-reinforce-seed1: completed/);
  const db = path.join(dir, 'results.db');
  const [experiment] = rows(db, 'SELECT dataset, config, config_version FROM experiments');
  const descriptor = JSON.parse(experiment!.config as string).datasetDescriptor;
  assert.deepEqual([descriptor.kind, descriptor.path, descriptor.shape, descriptor.classNames, experiment!.config_version], ['folder', where, [32, 32, 3], ['circle', 'square', 'star'], 2]);
  assert.match(descriptor.fingerprint, /^[0-9a-f]{64}$/);

  const replay = await runCli(['replay', '1', '--epochs', '3', '--backend', 'cpu', '--augment', '--tta'], cwd);
  assert.equal(replay.code, 0, replay.stderr);
  assert.match(replay.stdout, /\(adam lr [\d.e-]+ cosine, batch 16, random crop \(pad 4\), no test-time flip \(it needs --augment on a dataset that flips\)\)/, 'your own images get a random crop, never a flip');
  assert.match(replay.stdout, /^data: .*mixed: 120 images .* read from the dataset cache in [\d.]+ s\n/);
  assert.match(replay.stdout, /test accuracy: /);
  const exported = await runCli(['export', '1', '--out', 'web'], cwd);
  assert.equal(exported.code, 0, exported.stderr);
  assert.match(exported.stdout, /^exported replay 1 of trial 1 \(.*mixed, 3 epochs, test accuracy \d+\.\d\d%\) to .*web/);
  await checkExport(path.join(dir, 'web'), descriptor, db, env.NAS_DATA_DIR);

  fs.renameSync(where, path.join(dir, 'moved'));
  assertOneLineError(await runCli(['replay', '1', '--epochs', '1', '--backend', 'cpu'], cwd),
    /experiment 'mixed-tiny-reinforce-seed1' was read from .*mixed, which is not there any more: if it moved, give --dataset NEWPATH \(it must hold the same files, content fingerprint [0-9a-f]{12}\)$/);
  const moved = await runCli(['replay', '1', '--epochs', '1', '--backend', 'cpu', '--dataset', 'moved', '--json'], cwd);
  assert.equal(moved.code, 0, moved.stderr);
  assert.match(JSON.parse(moved.stdout.trim().split('\n').pop()!).dataset, /moved$/);
  const latest = await runCli(['export', '1', '--out', 'web2'], cwd);
  assert.match(latest.stdout, /^exported replay 2 of trial 1 \(.*moved, 1 epochs/, 'the latest replay by default');
  const first = await runCli(['export', '1', '--replay', '1', '--out', 'web1'], cwd);
  assert.match(first.stdout, /^exported replay 1 of trial 1 \(.*mixed, 3 epochs/, '--replay picks another');
  assert.deepEqual(fs.readFileSync(path.join(dir, 'web1', 'weights.bin')), fs.readFileSync(path.join(dir, 'web', 'weights.bin')));
  assertOneLineError(await runCli(['export', '1', '--replay', '3', '--out', 'web3'], cwd), /^nas: error: trial 1 has no replay 3 with a saved model; its replays with one: 1, 2$/);
  assertOneLineError(await runCli(['export', '1', '--replay', '1.5', '--out', 'web3'], cwd), /^nas: error: --replay must be a positive integer, not 1\.5$/);
  assert.equal(fs.existsSync(path.join(dir, 'web3')), false);

  await writeImage(path.join(dir, 'moved', 'square', '0005.jpg'), pattern(32, 32, 3, 0, 7), 32, 32, 3, 'jpg');
  assertOneLineError(await runCli(['replay', '1', '--epochs', '1', '--backend', 'cpu', '--dataset', 'moved'], cwd),
    /moved is not the data experiment 'mixed-tiny-reinforce-seed1' was read from: its files changed \(content fingerprint [0-9a-f]{12} then, [0-9a-f]{12} now; 120 examples then and now\); restore the files, or search the data as it is now$/);
  assert.equal(rows(db, 'SELECT id FROM replays').length, 2, 'the refused replays recorded nothing');
});
