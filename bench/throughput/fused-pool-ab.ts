/**
 * Batch norm with the 2x2 max pool after it as one op (kernels/batch-norm-max-pool.ts) against the two apart, in
 * one process: each panel net's training step (the trainer's model, loss and Adam, as step-overhead.ts) built
 * both ways, alternating, best of --rounds.
 *
 *   node dist/bench/throughput/fused-pool-ab.js [--nets p1,p3,p4,p5] [--threads 1] [--rounds 5] [--steps 10]
 */
import { parseArgs } from 'node:util';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { selectBackend } from '../../src/trainer/backends/index.js';
import { kernelThreadsStarted } from '../../src/trainer/backends/kernels/threads/pool.js';
import { loadPanel } from './panel-nets.js';
import { bestStepMs, trainingStep } from './training-step.js';

const { values: options } = parseArgs({
  options: { nets: { type: 'string', default: 'p1,p3,p4,p5' }, threads: { type: 'string', default: '1' }, rounds: { type: 'string', default: '5' }, steps: { type: 'string', default: '10' } },
});
const { tf } = await selectBackend('wasm', { threads: Number(options.threads) });
await kernelThreadsStarted(tf.backend() as unknown as BackendWasm);

console.log(`| net | threads | apart, ms a step | one op, ms a step | speedup |`);
console.log(`| --- | ---: | ---: | ---: | ---: |`);
for (const net of loadPanel(options.nets.split(','))) {
  const steps = [false, true].map((fusePools) => trainingStep(tf, net.arch, net.input, 64, { fusePools }));
  const best = [Infinity, Infinity];
  for (let round = 0; round < Number(options.rounds); round++) {
    steps.forEach((step, i) => (best[i] = bestStepMs(step, Number(options.steps), best[i])));
  }
  console.log(`| ${net.name} | ${options.threads} | ${best[0].toFixed(2)} | ${best[1].toFixed(2)} | ${(best[0] / best[1]).toFixed(2)} |`);
}
