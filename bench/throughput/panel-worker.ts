/**
 * One panel measurement on the tfjs side, in its own process (the wasm thread count is fixed per process):
 * training steps through the trainer's own loop (trainModel: its batches, model, label-smoothed loss, fused
 * Adam, dropout reseeding, one step at a time), then the validation pass (evaluate: forward only, batches of
 * 256). Prints one JSON line. Run by panel.ts; it imports only what commit 6329618 already had, so that the
 * same file can be built in a worktree of that commit for the "before" column.
 *
 *   node dist/bench/throughput/panel-worker.js --arch ARCH.json --input 28x28x1 --threads 1 --steps 10
 *     [--warmup-seconds 0] [--min-seconds 0]
 *
 * With --warmup-seconds W and --min-seconds S, warm-up lasts at least W seconds (and --warmup steps), and the
 * timed window at least S seconds (and --steps steps): a small net's 10 steps are a quarter of a second, too short
 * to leave the first steps' costs (the JIT, each kernel module's first use on the pool's threads) behind.
 */
import fs from 'node:fs';
import { parseArgs } from 'node:util';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { selectBackend } from '../../src/trainer/backends/index.js';
import { kernelThreadsStarted } from '../../src/trainer/backends/kernels/threads/pool.js';
import { buildModel, evaluate, hyperParams, trainModel } from '../../src/trainer/index.js';
import { parseArch, parseShape } from '../../src/space/index.js';
import type { ImageSet, Normalisation } from '../../src/data/index.js';

const { values: options } = parseArgs({
  options: {
    arch: { type: 'string' },
    input: { type: 'string', default: '28x28x1' },
    classes: { type: 'string', default: '10' },
    threads: { type: 'string', default: '1' },
    batch: { type: 'string', default: '64' },
    steps: { type: 'string', default: '20' },
    warmup: { type: 'string', default: '3' },
    'label-smoothing': { type: 'string', default: '0.1' },
    'eval-batches': { type: 'string', default: '4' },
    'warmup-seconds': { type: 'string', default: '0' },
    'min-seconds': { type: 'string', default: '0' },
  },
});
if (options.arch === undefined) throw new Error('--arch ARCH.json is required');
const arch = parseArch(JSON.parse(fs.readFileSync(options.arch, 'utf8')));
const input = parseShape(options.input);
const classes = Number(options.classes);
const batch = Number(options.batch);
const steps = Number(options.steps);
const warmup = Number(options.warmup);
const evalBatches = Number(options['eval-batches']);
const warmupSeconds = Number(options['warmup-seconds']);
const minSeconds = Number(options['min-seconds']);
/** Steps the training set holds: as many as asked, or room for timed windows (capped: the set is made up front). */
const MAX_TIMED_STEPS = 2000;
const room = warmupSeconds > 0 || minSeconds > 0 ? MAX_TIMED_STEPS : warmup + steps;
const EVAL_BATCH = 256;
if (warmup === 0) throw new Error('--warmup must be at least 1 (the clock starts at the end of the last warm-up step)');

const selected = await selectBackend('wasm', { threads: Number(options.threads) });
await kernelThreadsStarted(selected.tf.backend() as unknown as BackendWasm);
const { tf } = selected;

/** Random images (uniform bytes) and labels: the cost of a step does not depend on the pixels. */
function randomSet(count: number, seed: number): ImageSet {
  let state = seed;
  const next = () => (state = (state * 1103515245 + 12345) % 2147483648) / 2147483648;
  const images = new Uint8Array(count * input[0] * input[1] * input[2]);
  for (let i = 0; i < images.length; i++) images[i] = Math.floor(next() * 256);
  const labels = new Uint8Array(count);
  for (let i = 0; i < count; i++) labels[i] = Math.floor(next() * classes);
  return { images, labels, count, shape: input };
}

const norm: Normalisation = { mean: new Array(input[2]).fill(0.5), std: new Array(input[2]).fill(0.25) };
const indices = (count: number) => Int32Array.from({ length: count }, (_, i) => i);

const model = buildModel(arch, input, classes, { seed: 1 });
// At most 32 batches of distinct images, drawn again in the order the trainer shuffles (the pixels do not matter).
const trainSet = randomSet(batch * Math.min(room, 32), 1);
const trainIndices = Int32Array.from({ length: batch * room }, (_, i) => i % trainSet.count);
const hyper = hyperParams({ epochs: 1, batchSize: batch, labelSmoothing: Number(options['label-smoothing']), seed: 1 });
// The clock starts when the last warm-up step has finished and stops after the last step: the steps timed
// include the trainer's own work between them (making the batch, the learning rate, dropout seeds, setImmediate).
const started = performance.now();
let timedFrom = 0;
let cpuFrom = process.cpuUsage();
let timedTo = 0;
let cpuTo = process.cpuUsage();
let done = 0;
let timedSteps = 0;
const enough = new AbortController();
try {
  await trainModel(model, { train: { set: trainSet, indices: trainIndices }, norm, classes }, hyper, {
    signal: enough.signal,
    onStep: () => {
      done += 1;
      const now = performance.now();
      if (timedFrom === 0) {
        if (done >= warmup && now - started >= 1000 * warmupSeconds) { timedFrom = now; cpuFrom = process.cpuUsage(); }
        return;
      }
      timedSteps += 1;
      if (timedSteps >= steps && now - timedFrom >= 1000 * minSeconds) {
        timedTo = now;
        cpuTo = process.cpuUsage(cpuFrom);
        enough.abort();
      }
    },
  });
} catch (error) {
  if (!enough.signal.aborted) throw error;
}
if (timedTo === 0) throw new Error(`the trainer ran ${done} steps, the training set held ${room}: not enough for the window asked`);
const trainSeconds = (timedTo - timedFrom) / 1000;

// Inference: one warm-up batch, then evalBatches batches of 256, through the trainer's validation pass.
const evalSet = randomSet(EVAL_BATCH * evalBatches, 2);
evaluate(model, { set: evalSet, indices: indices(EVAL_BATCH) }, norm, classes);
const evalStart = performance.now();
evaluate(model, { set: evalSet, indices: indices(evalSet.count) }, norm, classes);
const evalSeconds = (performance.now() - evalStart) / 1000;
model.dispose();

console.log(JSON.stringify({
  side: 'tfjs',
  backend: selected.notes.join('; '),
  threads: Number(options.threads),
  train: { steps: timedSteps, seconds: trainSeconds, cpuSeconds: (cpuTo.user + cpuTo.system) / 1e6, imagesPerSecond: (timedSteps * batch) / trainSeconds },
  infer: { images: evalSet.count, seconds: evalSeconds, imagesPerSecond: evalSet.count / evalSeconds },
  tensors: tf.memory().numTensors,
}));
