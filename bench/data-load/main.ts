/**
 * How long loading Fashion-MNIST from Debian's files into memory takes (target: under 3 s), against two peers
 * measured in the same run: bare zlib gunzip of the same four files (the floor for any loader in Node), and
 * Python's gzip + numpy.frombuffer (a typical Python loader) when /usr/bin/python3 has numpy.
 * Also times the steps a trainer runs on it: split, normalisation, one epoch of batches. With --generated, also
 * loads full-size files in the CIFAR-100 binary and FER2013 CSV formats (generated content, published sizes).
 *
 * Run: npx tsc -p . && node dist/bench/data-load/main.js [--runs 5] [--generated]
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { batches, computeNormalisation, loadDataset, makeSplit } from '../../src/data/index.js';

const DEBIAN = '/usr/share/datasets/fashion-mnist';
const FILES = ['train-images-idx3-ubyte.gz', 'train-labels-idx1-ubyte.gz', 't10k-images-idx3-ubyte.gz', 't10k-labels-idx1-ubyte.gz'];

const PYTHON_PEER = `
import gzip, time, numpy as np
start = time.perf_counter()
def read(name, offset):
    with gzip.open('${DEBIAN}/' + name, 'rb') as f:
        return np.frombuffer(f.read(), np.uint8, offset=offset)
x = read('train-images-idx3-ubyte.gz', 16).reshape(-1, 28, 28, 1)
y = read('train-labels-idx1-ubyte.gz', 8)
xt = read('t10k-images-idx3-ubyte.gz', 16).reshape(-1, 28, 28, 1)
yt = read('t10k-labels-idx1-ubyte.gz', 8)
assert len(x) == len(y) == 60000 and len(xt) == len(yt) == 10000
print((time.perf_counter() - start) * 1000)
`;

async function timed(work: () => Promise<unknown> | unknown): Promise<number> {
  const start = performance.now();
  await work();
  return performance.now() - start;
}

function summary(label: string, times: number[]): { label: string; medianMs: number; minMs: number; runs: number } {
  const sorted = [...times].sort((a, b) => a - b);
  return { label, medianMs: round(sorted[Math.floor(sorted.length / 2)]), minMs: round(sorted[0]), runs: times.length };
}

const round = (ms: number) => Math.round(ms * 10) / 10;

function pythonPeer(runs: number): number[] | undefined {
  try {
    return Array.from({ length: runs }, () => Number(execFileSync('/usr/bin/python3', ['-c', PYTHON_PEER], { encoding: 'utf8' }).trim()));
  } catch {
    return undefined;
  }
}

async function main(): Promise<void> {
  if (!fs.existsSync(DEBIAN)) {
    process.stderr.write(`${DEBIAN} is absent: install Debian's dataset-fashion-mnist\n`);
    process.exit(1);
  }
  const runsFlag = process.argv.indexOf('--runs');
  const runs = runsFlag > 0 ? Number(process.argv[runsFlag + 1]) : 5;
  const noDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'nas-bench-'));

  const load = () => loadDataset('fashion-mnist', { dataDir: noDataDir, download: false });
  const loadTimes: number[] = [];
  for (let i = 0; i < runs; i++) loadTimes.push(await timed(load));
  const gunzipTimes: number[] = [];
  for (let i = 0; i < runs; i++) gunzipTimes.push(await timed(() => FILES.forEach((file) => zlib.gunzipSync(fs.readFileSync(path.join(DEBIAN, file))))));
  const python = pythonPeer(runs);

  const data = await load();
  let split = makeSplit(data.train.labels, 10, { valFraction: 0.1, seed: 1 });
  const splitMs = await timed(() => (split = makeSplit(data.train.labels, 10, { valFraction: 0.1, seed: 1 })));
  let norm = computeNormalisation(data.train, split.train);
  const normMs = await timed(() => (norm = computeNormalisation(data.train, split.train)));
  const epoch = (augment?: { cropPadding: number; flip: boolean }) => () => {
    for (const batch of batches(data.train, split.train, norm, { batchSize: 128, shuffle: true, seed: 1, augment })) void batch;
  };
  const epochMs = await timed(epoch());
  const augmentedMs = await timed(epoch({ cropPadding: 2, flip: true }));

  const rows = [
    summary('nas loadDataset(fashion-mnist) from Debian files', loadTimes),
    summary('peer: zlib.gunzipSync of the 4 files (Node floor)', gunzipTimes),
    ...(python ? [summary('peer: Python gzip + numpy.frombuffer', python)] : []),
  ];
  const nasMedian = rows[0].medianMs;
  const result = {
    date: new Date().toISOString(),
    machine: `${os.cpus()[0]?.model ?? 'cpu'} x${os.cpus().length}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, node ${process.version}`,
    targetMs: 3000,
    passes: nasMedian < 3000,
    loads: rows.map((row) => ({ ...row, ratioToNas: round(row.medianMs / nasMedian) })),
    steps: {
      makeSplitMs: round(splitMs),
      computeNormalisationMs: round(normMs),
      epochOfBatches128Ms: round(epochMs),
      epochOfAugmentedBatches128Ms: round(augmentedMs),
    },
  };
  const generated = process.argv.includes('--generated') ? await generatedLoads() : undefined;
  process.stdout.write(`${JSON.stringify({ ...result, ...(generated ? { generated } : {}) }, null, 2)}\n`);
}

/** Full-size CIFAR-100 (50,000 + 10,000 records) and FER2013 (35,887 rows, ~296 MB) files, loaded once each. */
async function generatedLoads(): Promise<Record<string, number>> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'nas-bench-full-'));
  try {
    const cifar = path.join(root, 'cifar100', 'cifar-100-binary');
    fs.mkdirSync(cifar, { recursive: true });
    fs.writeFileSync(path.join(cifar, 'train.bin'), cifarRecords(50000));
    fs.writeFileSync(path.join(cifar, 'test.bin'), cifarRecords(10000));
    fs.mkdirSync(path.join(root, 'fer2013'));
    fs.writeFileSync(path.join(root, 'fer2013', 'fer2013.csv'), ferCsv());
    const timesMs: Record<string, number> = {};
    for (const name of ['cifar100', 'fer2013'] as const) {
      timesMs[`${name}LoadMs`] = round(await timed(() => loadDataset(name, { dataDir: root, download: false, onProgress: () => {} })));
    }
    return timesMs;
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}

function cifarRecords(count: number): Buffer {
  const bytes = Buffer.alloc(count * 3074);
  for (let i = 0; i < count; i++) {
    bytes[i * 3074] = i % 20;
    bytes[i * 3074 + 1] = i % 100;
    for (let p = 2; p < 3074; p += 7) bytes[i * 3074 + p] = (i + p) & 255;
  }
  return bytes;
}

function ferCsv(): string {
  const usage = (i: number) => (i < 28709 ? 'Training' : i < 32298 ? 'PublicTest' : 'PrivateTest');
  const rows = Array.from({ length: 35887 }, (_, i) => {
    const pixels = Array.from({ length: 2304 }, (_, p) => (i + p * 7) % 256).join(' ');
    return `${i % 7},${pixels},${usage(i)}`;
  });
  return ['emotion,pixels,Usage', ...rows, ''].join('\n');
}

await main();
