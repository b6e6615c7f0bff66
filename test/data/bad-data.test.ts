import { test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { DataError } from '../../src/errors.js';
import { loadDataset } from '../../src/data/index.js';
import { cifar100Files, cifarRecords, ferCsv, FER_ROWS, idxFiles, idxImages, idxLabels, isolateEnvironment, tarGz, tempDir, writeFiles } from './fixtures.js';

isolateEnvironment();

function cifar100Root(overrides: Record<string, Buffer>): string {
  const root = tempDir();
  writeFiles(path.join(root, 'cifar100'), { ...cifar100Files(), ...overrides });
  return root;
}

async function rejects(promise: Promise<unknown>, pattern: RegExp): Promise<void> {
  await assert.rejects(promise, (error: Error) => {
    assert.ok(error instanceof DataError, `expected a DataError, got ${error.name}: ${error.message}`);
    assert.match(error.message, pattern);
    return true;
  });
}

test('a truncated CIFAR file (not a whole number of records) is refused, naming the file', async () => {
  const whole = cifarRecords([[1, 2], [3, 4]]);
  const root = cifar100Root({ 'cifar-100-binary/train.bin': whole.subarray(0, whole.length - 100) });
  await rejects(loadDataset('cifar100', { dataDir: root, download: false }), /train\.bin: truncated.*6048 bytes is not a whole number of 3074-byte records/);
});

test('a CIFAR label out of range is refused with its record number', async () => {
  const root = cifar100Root({ 'cifar-100-binary/test.bin': cifarRecords([[1, 2], [3, 100]]) });
  await rejects(loadDataset('cifar100', { dataDir: root, download: false }), /test\.bin: record 1: label 100 out of range \(expected 0\.\.99\)/);
  const coarse = cifar100Root({ 'cifar-100-binary/train.bin': cifarRecords([[20, 2]]) });
  await rejects(loadDataset('cifar100', { dataDir: coarse, download: false }), /record 0: label 20 out of range \(expected 0\.\.19\)/);
});

test('IDX: wrong magic, truncated body, label out of range, corrupt gzip, mismatched counts', async () => {
  const cases: [Record<string, Buffer>, RegExp][] = [
    [{ 'train-images-idx3-ubyte.gz': idxImages(6, 28, 28, 2049) }, /train-images-idx3-ubyte\.gz: wrong magic number 2049 \(expected 2051\)/],
    [{ 't10k-labels-idx1-ubyte.gz': idxLabels([1, 2, 3], 2051) }, /t10k-labels-idx1-ubyte\.gz: wrong magic number 2051 \(expected 2049\)/],
    [{ 't10k-labels-idx1-ubyte.gz': idxLabels([1, 10, 3]) }, /label 10 of item 1 out of range \(expected 0\.\.9\)/],
    [{ 'train-images-idx3-ubyte.gz': truncatedIdx() }, /train-images-idx3-ubyte\.gz: truncated: header promises 4704 data bytes, file has 4000/],
    [{ 'train-labels-idx1-ubyte.gz': idxLabels([1, 2, 3, 4, 5, 6]).subarray(0, 20) }, /train-labels-idx1-ubyte\.gz: not a valid gzip file or truncated/],
    [{ 't10k-labels-idx1-ubyte.gz': idxLabels([1, 2]) }, /has 3 images but .*t10k-labels-idx1-ubyte\.gz has 2 labels/],
  ];
  for (const [overrides, pattern] of cases) {
    const root = tempDir();
    writeFiles(path.join(root, 'mnist'), { ...idxFiles(), ...overrides });
    await rejects(loadDataset('mnist', { dataDir: root, download: false }), pattern);
  }
});

function truncatedIdx(): Buffer {
  const whole = zlib.gunzipSync(idxImages(6));
  return zlib.gzipSync(whole.subarray(0, 16 + 4000));
}

test('FER2013: a missing CSV says exactly where to put it; bad rows are refused with their line', async () => {
  const root = tempDir();
  await rejects(
    loadDataset('fer2013', { dataDir: root }),
    new RegExp(`Kaggle.*put it at ${escape(path.join(root, 'fer2013', 'fer2013.csv'))}`),
  );
  const cases: [string, RegExp][] = [
    [ferCsv().replace('\n3,', '\n9,'), /line 3: emotion '9' out of range \(expected 0\.\.6\)/],
    [ferCsv().replace('PublicTest', 'Validation'), /line 5: Usage 'Validation' is not one of Training, PublicTest, PrivateTest/],
    [ferCsv().replace(/ \d+,Training\n/, ',Training\n'), /line 2: expected 2304 pixel values/],
    [ferCsv([{ ...FER_ROWS[0] }]).replace(',37 ', ',37 x'), /line 2: pixels contain 'x'/],
    [ferCsv().replace('emotion,pixels,Usage', 'label,pixels,Usage'), /header 'label,pixels,Usage' lacks emotion, pixels or Usage/],
    [ferCsv().replace('\n3,', '\n"3,'), /line 3: not valid CSV/],
  ];
  for (const [csv, pattern] of cases) {
    writeFiles(path.join(root, 'fer2013'), { 'fer2013.csv': csv });
    await rejects(loadDataset('fer2013', { dataDir: root }), pattern);
  }
});

test('an archive placed by hand with the wrong checksum is refused and left for the user to delete', async () => {
  const root = tempDir();
  const archive = path.join(root, 'cifar100', 'cifar-100-binary.tar.gz');
  fs.mkdirSync(path.dirname(archive));
  await tarGz(archive, cifar100Files());
  await rejects(loadDataset('cifar100', { dataDir: root }), /cifar-100-binary\.tar\.gz: checksum mismatch: expected MD5 03b5dce01913d631647c71ecec9e9cb8, got [0-9a-f]{32}; delete it/);
  assert.ok(!fs.existsSync(path.join(root, 'cifar100', 'cifar-100-binary')), 'nothing was extracted');
});

test('a truncated .tar.gz is refused and nothing half-extracted is left behind', async () => {
  const root = tempDir();
  const archive = path.join(root, 'cifar100', 'cifar-100-binary.tar.gz');
  fs.mkdirSync(path.dirname(archive));
  await tarGz(archive, cifar100Files());
  const bytes = fs.readFileSync(archive);
  fs.writeFileSync(archive, bytes.subarray(0, Math.floor(bytes.length / 2)));
  const checksums = { 'cifar-100-binary.tar.gz': md5Of(fs.readFileSync(archive)) };
  await rejects(loadDataset('cifar100', { dataDir: root, checksums }), /cifar-100-binary\.tar\.gz: cannot extract/);
  assert.deepEqual(fs.readdirSync(path.join(root, 'cifar100')), ['cifar-100-binary.tar.gz']);
});

function md5Of(bytes: Buffer): string {
  return crypto.createHash('md5').update(bytes).digest('hex');
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
