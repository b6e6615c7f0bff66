/**
 * Trains the user's seed ARCH on a stratified 10,000-image subset of Fashion-MNIST (9,000 train + 1,000
 * validation, Debian's files) for 2 epochs and reports validation accuracy, time and images/s.
 *
 *   node dist/bench/seed-fashion/run.js [--backend wasm] [--threads N] [--epochs 2] [--batch 64] [--subset 10000]
 *     [--lr 0.0003] [--optimizer adam|sgd] [--seed 1]
 *
 * Acceptance (issue 4): at least 84 % validation accuracy on the wasm backend. Exit code 1 below that.
 */
import os from 'node:os';
import { parseArgs } from 'node:util';
import { loadDataset } from '../../src/data/index.js';
import { loadArchFile } from '../../src/space/index.js';
import { shippedFile } from '../../src/util/paths.js';
import { hyperParams, runTrainJob } from '../../src/trainer/index.js';
import { selectBackend } from '../../src/trainer/backends/index.js';
import type { BackendName, TrainJob } from '../../src/trainer/types.js';

const TARGET_ACCURACY = 0.84;
const VAL_FRACTION = 0.1;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      backend: { type: 'string', default: 'wasm' },
      threads: { type: 'string', default: String(os.availableParallelism()) },
      epochs: { type: 'string', default: '2' },
      batch: { type: 'string', default: '64' },
      subset: { type: 'string', default: '10000' },
      seed: { type: 'string', default: '1' },
      lr: { type: 'string', default: '0.0003' },
      optimizer: { type: 'string', default: 'adam' },
    },
  });
  const backend = await selectBackend(values.backend as BackendName, { threads: Number(values.threads) });
  console.log(`backend: ${backend.name}${backend.notes.length ? ` (${backend.notes.join('; ')})` : ''}, threads ${values.threads}`);
  const dataset = await loadDataset('fashion-mnist', { download: false });
  const subset = Number(values.subset);
  const job: TrainJob = {
    arch: loadArchFile(shippedFile('experiments', 'archs', 'seed-baseline.json')),
    data: {
      dataset: 'fashion-mnist',
      valFraction: VAL_FRACTION,
      trainLimit: Math.round(subset * (1 - VAL_FRACTION)),
      splitSeed: Number(values.seed),
      useTestSet: false,
    },
    hyper: hyperParams({
      epochs: Number(values.epochs),
      batchSize: Number(values.batch),
      learningRate: Number(values.lr),
      optimizer: values.optimizer === 'sgd' ? 'sgd' : 'adam',
      seed: Number(values.seed),
    }),
  };
  const started = performance.now();
  let lastPrint = started;
  const result = await runTrainJob(job, { dataset, backend: backend.name, backendNotes: backend.notes }, {
    onStep: ({ epoch, step, steps, loss }) => {
      if (performance.now() - lastPrint < 10_000 && step !== steps) return;
      lastPrint = performance.now();
      console.log(`  epoch ${epoch} step ${step}/${steps} loss ${loss.toFixed(4)} (${((lastPrint - started) / 1000).toFixed(0)} s)`);
    },
    onEpoch: (m) => {
      console.log(`epoch ${m.epoch}: train loss ${m.trainLoss.toFixed(4)} acc ${pct(m.trainAcc)}, val loss ${m.valLoss.toFixed(4)} acc ${pct(m.valAcc)}, ${m.seconds.toFixed(1)} s`);
      return 'continue';
    },
  });
  const trainImages = result.history.length * job.data.trainLimit!;
  console.log(`params ${result.params}; train images ${trainImages}; total ${result.seconds.toFixed(1)} s; training ${result.imagesPerSecond.toFixed(1)} images/s`);
  console.log(`validation accuracy ${pct(result.valAcc)} (target ${pct(TARGET_ACCURACY)}): ${result.valAcc >= TARGET_ACCURACY ? 'PASS' : 'FAIL'}`);
  console.log(JSON.stringify({ date: new Date().toISOString(), threads: Number(values.threads), cpus: os.cpus()[0]?.model, ...result }));
  if (result.valAcc < TARGET_ACCURACY) process.exitCode = 1;
}

function pct(x: number): string {
  return `${(100 * x).toFixed(2)} %`;
}

await main();
