/**
 * Image folders (--dataset PATH) against the binary formats of the same images: 60,000 28x28 grayscale PNGs (the
 * Fashion-MNIST training set from Debian's IDX files) and 50,000 32x32 RGB JPEGs (generated, 10 classes; beside them
 * a CIFAR-10 binary of the same 50,000 pixel arrays, 40,000 train + 10,000 test as the folder's held-out split).
 * Times the first load (headers read for the default size and channels, every image decoded with sharp, or unpacked
 * with zlib when it is a plain PNG of that size; the arrays cached), the first load with --image-size and --channels
 * given as the defaults, and with a smaller --image-size (every image resized by libvips), and the cached load
 * (the folder's fingerprint from a stat of every file, then one read of the cache entry), against loadDataset of the
 * IDX / CIFAR binary files. Goals: first load under 30 s on 2 cores, cached load within 2x of the binary formats.
 *
 * Run: npx tsc -p . && node dist/bench/data-load/folders.js [--runs 3] [--root /tmp/nas-bench-folders] [--keep]
 * The folders are written once under --root (minutes) and kept with --keep for later runs.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { loadCustomDataset, loadDataset, type ImageSet } from '../../src/data/index.js';

const DEBIAN = '/usr/share/datasets/fashion-mnist';
const arg = (name: string, fallback: string): string => {
  const at = process.argv.indexOf(name);
  return at > 0 ? process.argv[at + 1]! : fallback;
};
const runs = Number(arg('--runs', '3'));
const root = arg('--root', path.join(os.tmpdir(), 'nas-bench-folders'));
const round = (ms: number): number => Math.round(ms);

/** CPU seconds of this process and of its finished children (the decode workers), from /proc/self/stat on Linux. */
function cpuSeconds(): number {
  try {
    const fields = fs.readFileSync('/proc/self/stat', 'utf8').split(') ')[1]!.split(' ');
    const ticks = [11, 12, 13, 14].reduce((sum, field) => sum + Number(fields[field]), 0);
    return ticks / 100;
  } catch {
    const usage = process.cpuUsage();
    return (usage.user + usage.system) / 1e6;
  }
}

async function timed<T>(work: () => Promise<T>): Promise<{ ms: number; cpuSeconds: number; value: T }> {
  const [start, cpu] = [performance.now(), cpuSeconds()];
  const value = await work();
  return { ms: performance.now() - start, cpuSeconds: Math.round((cpuSeconds() - cpu) * 10) / 10, value };
}

async function median(work: () => Promise<unknown>): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) times.push((await timed(work)).ms);
  return round(times.sort((a, b) => a - b)[Math.floor(times.length / 2)]!);
}

/** Writes `count` images with at most 16 encodings in flight; skipped when the folder already holds them all. */
async function writeFolder(dir: string, count: number, file: (i: number) => string, encode: (i: number) => Promise<Buffer>): Promise<void> {
  const marker = path.join(dir, '.complete');
  if (fs.existsSync(marker)) return;
  let next = 0;
  await Promise.all(Array.from({ length: 16 }, async () => {
    while (next < count) {
      const i = next++;
      const target = path.join(dir, file(i));
      fs.mkdirSync(path.dirname(target), { recursive: true });
      fs.writeFileSync(target, await encode(i));
    }
  }));
  fs.writeFileSync(marker, '');
}

/** A smooth 32x32 RGB picture per index (gradients and a disc), so that JPEG sizes are those of real small photos. */
function picture(i: number): Buffer {
  const out = Buffer.alloc(32 * 32 * 3);
  const [cx, cy, r] = [8 + (i % 17), 8 + ((i * 7) % 17), 4 + (i % 9)];
  for (let y = 0; y < 32; y++) {
    for (let x = 0; x < 32; x++) {
      const inside = (x - cx) ** 2 + (y - cy) ** 2 < r * r;
      const p = (y * 32 + x) * 3;
      out[p] = inside ? 220 : (x * 8 + i) & 255;
      out[p + 1] = inside ? (i * 13) & 255 : y * 8;
      out[p + 2] = inside ? 40 : ((x + y) * 4 + i * 3) & 255;
    }
  }
  return out;
}

function cifarBinary(dir: string, count: number): void {
  const folder = path.join(dir, 'cifar-10-batches-bin');
  fs.mkdirSync(folder, { recursive: true });
  const record = (i: number): Buffer => {
    const out = Buffer.alloc(3073);
    out[0] = i % 10;
    const hwc = picture(i);
    for (let p = 0; p < 1024; p++) for (let c = 0; c < 3; c++) out[1 + c * 1024 + p] = hwc[p * 3 + c]!;
    return out;
  };
  const batch = (from: number, to: number): Buffer => Buffer.concat(Array.from({ length: to - from }, (_, k) => record(from + k)));
  const perBatch = (count * 0.8) / 5;
  for (let b = 0; b < 5; b++) fs.writeFileSync(path.join(folder, `data_batch_${b + 1}.bin`), batch(b * perBatch, (b + 1) * perBatch));
  fs.writeFileSync(path.join(folder, 'test_batch.bin'), batch(count * 0.8, count));
}

type Given = { imageSize: [number, number]; channels: 1 | 3 };

async function measure(label: string, folder: string, given: Given, resized: Given, binary: () => Promise<unknown>) {
  const cache = fs.mkdtempSync(path.join(os.tmpdir(), 'nas-bench-cache-'));
  try {
    const first = await timed(() => loadCustomDataset(folder, {}, { dataDir: cache }));
    const cachedMs = await median(() => loadCustomDataset(folder, {}, { dataDir: cache }));
    const given1 = await timed(() => loadCustomDataset(folder, given, { dataDir: fs.mkdtempSync(path.join(cache, 'given-')) }));
    const resized1 = await timed(() => loadCustomDataset(folder, resized, { dataDir: fs.mkdtempSync(path.join(cache, 'resized-')) }));
    const binaryMs = await median(binary);
    const { descriptor } = first.value;
    return {
      label,
      images: descriptor.counts.train + descriptor.counts.test,
      shape: descriptor.shape.join('x'),
      firstLoadMs: round(first.ms),
      firstLoadCpuSeconds: first.cpuSeconds,
      firstLoadGivenSizeMs: round(given1.ms),
      firstLoadGivenSizeCpuSeconds: given1.cpuSeconds,
      resizedTo: resized.imageSize.join('x'),
      firstLoadResizedMs: round(resized1.ms),
      firstLoadResizedCpuSeconds: resized1.cpuSeconds,
      cachedLoadMs: cachedMs,
      binaryLoadMs: binaryMs,
      cachedOverBinary: Math.round((cachedMs / binaryMs) * 100) / 100,
      cacheFileMB: Math.round(fs.readdirSync(path.join(cache, 'decoded')).reduce((sum, f) => sum + fs.statSync(path.join(cache, 'decoded', f)).size, 0) / 1e5) / 10,
    };
  } finally {
    fs.rmSync(cache, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  if (!fs.existsSync(DEBIAN)) throw new Error(`${DEBIAN} is absent: install Debian's dataset-fashion-mnist`);
  const noData = fs.mkdtempSync(path.join(os.tmpdir(), 'nas-bench-'));
  const fashion = await loadDataset('fashion-mnist', { dataDir: noData, download: false });
  const train: ImageSet = fashion.train;
  const pngs = path.join(root, 'fashion-png');
  const jpegs = path.join(root, 'rgb-jpeg');
  const writing = performance.now();
  await writeFolder(pngs, 60000, (i) => `${train.labels[i]}/${String(i).padStart(5, '0')}.png`, (i) =>
    sharp(Buffer.from(train.images.subarray(i * 784, (i + 1) * 784)), { raw: { width: 28, height: 28, channels: 1 } }).toColourspace('b-w').png().toBuffer(),
  );
  await writeFolder(jpegs, 50000, (i) => `${i % 10}/${String(i).padStart(5, '0')}.jpg`, (i) =>
    sharp(picture(i), { raw: { width: 32, height: 32, channels: 3 } }).jpeg({ quality: 90 }).toBuffer(),
  );
  const cifar = path.join(root, 'cifar-binary');
  if (!fs.existsSync(path.join(cifar, 'cifar-10-batches-bin', 'test_batch.bin'))) cifarBinary(cifar, 50000);
  const writeSeconds = Math.round((performance.now() - writing) / 100) / 10;

  const results = [
    await measure('60,000 28x28 grayscale PNGs vs IDX (gzip)', pngs, { imageSize: [28, 28], channels: 1 }, { imageSize: [24, 24], channels: 1 }, () => loadDataset('fashion-mnist', { dataDir: noData, download: false })),
    await measure('50,000 32x32 RGB JPEGs vs CIFAR-10 binary', jpegs, { imageSize: [32, 32], channels: 3 }, { imageSize: [28, 28], channels: 3 }, () => loadDataset('cifar10', { dataDir: cifar, download: false })),
  ];
  const cpus = os.cpus();
  process.stdout.write(`${JSON.stringify({
    date: new Date().toISOString(),
    machine: `${cpus[0]?.model ?? 'cpu'} x${os.availableParallelism()}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, node ${process.version}, sharp ${sharp.versions.sharp} (libvips ${sharp.versions.vips})`,
    loadAverageAtEnd: os.loadavg().map((load) => Math.round(load * 100) / 100),
    folderWriteSeconds: writeSeconds,
    runs,
    results,
  }, null, 2)}\n`);
  fs.rmSync(noData, { recursive: true, force: true });
  if (!process.argv.includes('--keep')) fs.rmSync(root, { recursive: true, force: true });
}

await main();
