/** Small files in the exact published formats, with known pixels and labels, written into temporary folders. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import * as tar from 'tar';

export function tempDir(prefix = 'nas-data-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** The value of pixel `p` (0..1023, row-major) of colour plane `c` in record `i` of a generated CIFAR file. */
export function cifarPixel(i: number, c: number, p: number, salt = 0): number {
  return (i * 31 + c * 85 + p * 7 + salt) % 256;
}

/** CIFAR binary records: label bytes, then red, green and blue 32x32 planes. */
export function cifarRecords(labels: number[][], salt = 0): Buffer {
  const recordSize = labels[0].length + 3072;
  const out = Buffer.alloc(labels.length * recordSize);
  labels.forEach((recordLabels, i) => {
    const base = i * recordSize;
    recordLabels.forEach((label, k) => (out[base + k] = label));
    for (let c = 0; c < 3; c++) {
      for (let p = 0; p < 1024; p++) out[base + recordLabels.length + c * 1024 + p] = cifarPixel(i, c, p, salt);
    }
  });
  return out;
}

export function writeFiles(dir: string, files: Record<string, Buffer | string>): void {
  for (const [name, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), content);
  }
}

/** A .tar.gz of `files` (paths include the archive's top-level folder). */
export async function tarGz(archive: string, files: Record<string, Buffer | string>): Promise<void> {
  const staging = tempDir('nas-tar-');
  writeFiles(staging, files);
  const tops = [...new Set(Object.keys(files).map((name) => name.split('/')[0]))];
  await tar.c({ gzip: true, file: archive, cwd: staging }, tops);
  fs.rmSync(staging, { recursive: true, force: true });
}

export const CIFAR100_LABELS = [
  [3, 17],
  [19, 99],
  [0, 0],
  [11, 42],
];
export const CIFAR10_TRAIN_LABELS = [[7], [0], [9], [4], [2]];
export const CIFAR10_TEST_LABELS = [[1], [8]];

/** The files of cifar-100-binary.tar.gz: 4 train records, 2 test records, name files. */
export function cifar100Files(): Record<string, Buffer | string> {
  return {
    'cifar-100-binary/train.bin': cifarRecords(CIFAR100_LABELS),
    'cifar-100-binary/test.bin': cifarRecords([[5, 50], [6, 60]], 1),
    'cifar-100-binary/coarse_label_names.txt': 'aquatic_mammals\nfish\n',
    'cifar-100-binary/fine_label_names.txt': 'apple\naquarium_fish\n',
  };
}

/** The files of cifar-10-binary.tar.gz: one record per train batch, two test records. */
export function cifar10Files(): Record<string, Buffer | string> {
  const files: Record<string, Buffer | string> = {
    'cifar-10-batches-bin/batches.meta.txt': 'airplane\nautomobile\nbird\ncat\ndeer\ndog\nfrog\nhorse\nship\ntruck\n',
    'cifar-10-batches-bin/test_batch.bin': cifarRecords(CIFAR10_TEST_LABELS, 2),
  };
  CIFAR10_TRAIN_LABELS.forEach((labels, b) => {
    files[`cifar-10-batches-bin/data_batch_${b + 1}.bin`] = cifarRecords([labels], 10 * b);
  });
  return files;
}

/** A gzip IDX images file (magic 2051): `count` images of rows x cols, pixel (i, y, x) = idxPixel(...). */
export function idxImages(count: number, rows = 28, cols = 28, magic = 2051): Buffer {
  const header = Buffer.alloc(16);
  [magic, count, rows, cols].forEach((value, k) => header.writeUInt32BE(value, 4 * k));
  const body = Buffer.alloc(count * rows * cols);
  for (let i = 0; i < count; i++) for (let p = 0; p < rows * cols; p++) body[i * rows * cols + p] = idxPixel(i, p);
  return zlib.gzipSync(Buffer.concat([header, body]));
}

export function idxPixel(i: number, p: number): number {
  return (i * 13 + p * 5) % 256;
}

/** A gzip IDX labels file (magic 2049). */
export function idxLabels(labels: number[], magic = 2049): Buffer {
  const header = Buffer.alloc(8);
  header.writeUInt32BE(magic, 0);
  header.writeUInt32BE(labels.length, 4);
  return zlib.gzipSync(Buffer.concat([header, Buffer.from(labels)]));
}

export const IDX_TRAIN_LABELS = [5, 0, 4, 1, 9, 2];
export const IDX_TEST_LABELS = [7, 2, 1];

export function idxFiles(): Record<string, Buffer> {
  return {
    'train-images-idx3-ubyte.gz': idxImages(IDX_TRAIN_LABELS.length),
    'train-labels-idx1-ubyte.gz': idxLabels(IDX_TRAIN_LABELS),
    't10k-images-idx3-ubyte.gz': idxImages(IDX_TEST_LABELS.length),
    't10k-labels-idx1-ubyte.gz': idxLabels(IDX_TEST_LABELS),
  };
}

export interface FerRow {
  emotion: number;
  usage: string;
  /** Pixel p = (seed + p) % 256. */
  seed: number;
}

export const FER_ROWS: FerRow[] = [
  { emotion: 0, usage: 'Training', seed: 1 },
  { emotion: 3, usage: 'Training', seed: 2 },
  { emotion: 6, usage: 'Training', seed: 3 },
  { emotion: 5, usage: 'PublicTest', seed: 4 },
  { emotion: 4, usage: 'PrivateTest', seed: 5 },
  { emotion: 6, usage: 'PrivateTest', seed: 6 },
  { emotion: 3, usage: 'PrivateTest', seed: 7 },
];

export function ferPixels(seed: number): number[] {
  return Array.from({ length: 48 * 48 }, (_, p) => (seed * 37 + p) % 256);
}

export function ferCsv(rows: FerRow[] = FER_ROWS): string {
  return ['emotion,pixels,Usage', ...rows.map((row) => `${row.emotion},${ferPixels(row.seed).join(' ')},${row.usage}`)].join('\n') + '\n';
}

/** Keep the user's own data folders, mirror and checksum overrides out of the tests. */
export function isolateEnvironment(): void {
  process.env.XDG_CACHE_HOME = tempDir('nas-cache-');
  for (const name of ['NAS_DATA_DIR', 'NAS_DATA_MIRROR', 'NAS_DATA_CHECKSUMS']) delete process.env[name];
}
