/**
 * How long loading Fashion-MNIST from Debian's files into memory takes (target: under 3 s), against two peers
 * measured in the same run: bare zlib gunzip of the same four files (the floor for any loader in Node), and
 * Python's gzip + numpy.frombuffer (a typical Python loader) when /usr/bin/python3 has numpy.
 * Also times the steps a trainer runs on it: split, normalisation, one epoch of batches.
 *
 * Run: npx tsc -p . && node dist/bench/data-load/main.js [--runs 5]
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
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
}

await main();
