/**
 * The fixed cost of a training step: each panel net's step (the trainer's model, loss and Adam, as profile-arch.ts)
 * at batch 1, where the arithmetic is 64 times smaller than at batch 64 and what is left is per-step work (kernel
 * dispatch, tfjs-layers, the tape, the optimizer), alternated with the step at batch 64; best of --rounds.
 *
 *   node dist/bench/throughput/step-overhead.js [--nets p1,p2,p4] [--threads 1] [--rounds 5] [--steps 10]
 */
import { parseArgs } from 'node:util';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { selectBackend } from '../../src/trainer/backends/index.js';
import { kernelThreadsStarted } from '../../src/trainer/backends/kernels/threads/pool.js';
import { loadPanel } from './panel-nets.js';
import { bestStepMs, trainingStep } from './training-step.js';

const { values: options } = parseArgs({
  options: { nets: { type: 'string' }, threads: { type: 'string', default: '1' }, rounds: { type: 'string', default: '5' }, steps: { type: 'string', default: '10' } },
});
const { tf } = await selectBackend('wasm', { threads: Number(options.threads) });
await kernelThreadsStarted(tf.backend() as unknown as BackendWasm);
const BATCHES = [1, 64];

console.log(`| net | threads | step at batch 1, ms | step at batch 64, ms | batch 1 / batch 64 |`);
console.log(`| --- | ---: | ---: | ---: | ---: |`);
for (const net of loadPanel(options.nets?.split(','))) {
  const steps = BATCHES.map((batch) => trainingStep(tf, net.arch, net.input, batch));
  const best = BATCHES.map(() => Infinity);
  for (let round = 0; round < Number(options.rounds); round++) {
    steps.forEach((step, i) => (best[i] = bestStepMs(step, Number(options.steps), best[i])));
  }
  console.log(`| ${net.name} | ${options.threads} | ${best[0].toFixed(2)} | ${best[1].toFixed(2)} | ${((100 * best[0]) / best[1]).toFixed(0)} % |`);
}
