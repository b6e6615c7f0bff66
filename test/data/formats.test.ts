import { test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { loadDataset, datasetInfo } from '../../src/data/index.js';
import {
  CIFAR100_LABELS,
  CIFAR10_TEST_LABELS,
  CIFAR10_TRAIN_LABELS,
  FER_ROWS,
  IDX_TEST_LABELS,
  IDX_TRAIN_LABELS,
  cifar100Files,
  cifar10Files,
  cifarPixel,
  ferCsv,
  ferPixels,
  idxFiles,
  idxPixel,
  isolateEnvironment,
  tarGz,
  tempDir,
  writeFiles,
} from './fixtures.js';

isolateEnvironment();

const md5 = (file: string) => crypto.createHash('md5').update(fs.readFileSync(file)).digest('hex');

/** Every pixel of record `i` in HWC order: images[i*3072 + (y*32 + x)*3 + c] is plane c's byte at y*32 + x. */
function assertCifarRecord(images: Uint8Array, i: number, record: number, salt: number): void {
  for (let y = 0; y < 32; y++) {
    for (let x = 0; x < 32; x++) {
      for (let c = 0; c < 3; c++) {
        const got = images[i * 3072 + (y * 32 + x) * 3 + c];
        assert.equal(got, cifarPixel(record, c, y * 32 + x, salt), `record ${record} y ${y} x ${x} channel ${c}`);
      }
    }
  }
}

test('cifar100: a hand-placed cifar-100-binary.tar.gz is checked, extracted and read as HWC with fine and coarse labels', async () => {
  const root = tempDir();
  const archive = path.join(root, 'cifar100', 'cifar-100-binary.tar.gz');
  fs.mkdirSync(path.dirname(archive));
  await tarGz(archive, cifar100Files());
  const checksums = { 'cifar-100-binary.tar.gz': md5(archive) };

  const fine = await loadDataset('cifar100', { dataDir: root, checksums, onProgress: () => {} });
  assert.equal(fine.source, path.join(root, 'cifar100'));
  assert.ok(fs.existsSync(path.join(root, 'cifar100', 'cifar-100-binary', 'train.bin')));
  assert.ok(!fs.existsSync(archive), 'the archive is removed after extraction');
  assert.deepEqual(fine.info, datasetInfo('cifar100'));
  assert.equal(fine.info.numClasses, 100);
  assert.deepEqual(fine.train.shape, [32, 32, 3]);
  assert.equal(fine.train.count, 4);
  assert.equal(fine.test.count, 2);
  assert.deepEqual([...fine.train.labels], CIFAR100_LABELS.map(([, f]) => f));
  assert.deepEqual([...fine.test.labels], [50, 60]);
  CIFAR100_LABELS.forEach((_, i) => assertCifarRecord(fine.train.images, i, i, 0));
  assertCifarRecord(fine.test.images, 1, 1, 1);
  // One pixel by hand: record 1, row 2, column 5, green plane byte at 2*32+5 = 69: (31 + 85 + 483) % 256.
  assert.equal(fine.train.images[3072 + (2 * 32 + 5) * 3 + 1], (31 + 85 + 69 * 7) % 256);

  const coarse = await loadDataset('cifar100', { dataDir: root, labelMode: 'coarse', download: false });
  assert.equal(coarse.info.numClasses, 20);
  assert.deepEqual([...coarse.train.labels], CIFAR100_LABELS.map(([c]) => c));
  assert.deepEqual([...(coarse.train.labelsByMode?.fine ?? [])], CIFAR100_LABELS.map(([, f]) => f));
});

test('cifar10: extracted cifar-10-batches-bin in the data root: five train batches in order, test batch, HWC', async () => {
  const root = tempDir();
  writeFiles(root, cifar10Files());
  const data = await loadDataset('cifar10', { dataDir: root, download: false });
  assert.equal(data.source, root);
  assert.deepEqual(data.info.classNames.slice(0, 3), ['airplane', 'automobile', 'bird']);
  assert.deepEqual([...data.train.labels], CIFAR10_TRAIN_LABELS.flat());
  assert.deepEqual([...data.test.labels], CIFAR10_TEST_LABELS.flat());
  CIFAR10_TRAIN_LABELS.forEach((_, b) => assertCifarRecord(data.train.images, b, 0, 10 * b));
  assertCifarRecord(data.test.images, 1, 1, 2);
});

test('mnist and fashion-mnist: gzip IDX files in <root>/<name> read to row-major 28x28x1', async () => {
  const root = tempDir();
  writeFiles(path.join(root, 'mnist'), idxFiles());
  const data = await loadDataset('mnist', { dataDir: root, download: false });
  assert.deepEqual(data.train.shape, [28, 28, 1]);
  assert.deepEqual([...data.train.labels], IDX_TRAIN_LABELS);
  assert.deepEqual([...data.test.labels], IDX_TEST_LABELS);
  assert.equal(data.train.images.length, IDX_TRAIN_LABELS.length * 784);
  for (let i = 0; i < IDX_TRAIN_LABELS.length; i++) {
    for (let p = 0; p < 784; p++) assert.equal(data.train.images[i * 784 + p], idxPixel(i, p));
  }
  // mnist files must not be taken for fashion-mnist: that one looks only in <root>/fashion-mnist (and Debian's folder).
  const fashion = await loadDataset('fashion-mnist', { dataDir: root, download: false }).catch((error: Error) => error);
  if (!(fashion instanceof Error)) assert.notEqual(fashion.source, path.join(root, 'mnist'));
});

test('fer2013: CSV rows to 48x48x1; Training+PublicTest train, PrivateTest test; binary mode maps valence, drops Neutral', async () => {
  const root = tempDir();
  writeFiles(path.join(root, 'fer2013'), { 'fer2013.csv': ferCsv() });
  const all = await loadDataset('fer2013', { dataDir: root, download: false });
  const trainRows = FER_ROWS.filter((row) => row.usage !== 'PrivateTest');
  const testRows = FER_ROWS.filter((row) => row.usage === 'PrivateTest');
  assert.deepEqual(all.train.shape, [48, 48, 1]);
  assert.equal(all.info.numClasses, 7);
  assert.deepEqual([...all.train.labels], trainRows.map((row) => row.emotion));
  assert.deepEqual([...all.test.labels], testRows.map((row) => row.emotion));
  trainRows.forEach((row, i) => assert.deepEqual([...all.train.images.subarray(i * 2304, (i + 1) * 2304)], ferPixels(row.seed)));

  const binary = await loadDataset('fer2013', { dataDir: root, labelMode: 'binary', download: false });
  assert.deepEqual(binary.info.classNames, ['negative', 'positive']);
  // Training: Angry(0) -> 0, Happy(3) -> 1, Neutral dropped, Surprise(5) -> 1; PrivateTest: Sad(4) -> 0, Neutral dropped, Happy -> 1.
  assert.deepEqual([...binary.train.labels], [0, 1, 1]);
  assert.deepEqual([...binary.test.labels], [0, 1]);
  assert.deepEqual([...binary.test.images.subarray(2304, 4608)], ferPixels(7));

  // A re-saved copy with quoted fields and CRLF line ends reads the same.
  const quoted = ferCsv().split('\n').map((line, i) => (i === 0 || !line ? line : line.replace(/,([^,]*),/, ',"$1",'))).join('\r\n');
  assert.match(quoted, /^emotion,pixels,Usage\r\n0,"37 38 /);
  writeFiles(path.join(root, 'fer2013'), { 'fer2013.csv': quoted });
  const again = await loadDataset('fer2013', { dataDir: root, download: false });
  assert.deepEqual(again.train.images, all.train.images);
  assert.deepEqual(again.test.labels, all.test.labels);

  // Kaggle's fer2013.tar.gz placed in the data root is extracted next to it (and kept).
  const kaggle = tempDir();
  await tarGz(path.join(kaggle, 'fer2013.tar.gz'), { 'fer2013/fer2013.csv': ferCsv(), 'fer2013/README': 'Kaggle' });
  const fromArchive = await loadDataset('fer2013', { dataDir: kaggle });
  assert.equal(fromArchive.source, path.join(kaggle, 'fer2013'));
  assert.deepEqual(fromArchive.train.images, all.train.images);
  assert.ok(fs.existsSync(path.join(kaggle, 'fer2013.tar.gz')));
});

test('datasetInfo reports shape, class count and names for every label mode', () => {
  assert.deepEqual(datasetInfo('cifar100', { labelMode: 'coarse' }).classNames.length, 20);
  const fine = datasetInfo('cifar100').classNames;
  assert.equal(new Set(fine).size, 100);
  assert.deepEqual([fine[0], fine[41], fine[42], fine[99]], ['apple', 'lawn_mower', 'leopard', 'worm']);
  assert.deepEqual(datasetInfo('fashion-mnist').inputShape, [28, 28, 1]);
  assert.equal(datasetInfo('fer2013', { labelMode: 'binary' }).numClasses, 2);
  assert.equal(datasetInfo('synthetic').numClasses, 4);
  assert.deepEqual(datasetInfo('cifar10').augmentation, { cropPadding: 4, flip: true });
  assert.equal(datasetInfo('synthetic').augmentation, undefined, 'a flip would swap the diagonal classes');
  assert.deepEqual(datasetInfo('mnist').augmentation, { cropPadding: 2, flip: false }, 'a mirrored digit is another glyph');
  assert.deepEqual(datasetInfo('fashion-mnist').augmentation, { cropPadding: 2, flip: true });
  assert.throws(() => datasetInfo('cifar100', { labelMode: 'medium' }), /no label mode 'medium'.*fine or coarse/);
  assert.throws(() => datasetInfo('imagenet' as never), /unknown dataset 'imagenet'/);
});
