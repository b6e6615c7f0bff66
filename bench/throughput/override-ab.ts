/**
 * Training steps of panel nets with some of the trainer's kernel overrides against the package's own kernels
 * for those names, alternating in one process: best step time of each side over the rounds.
 *
 *   node dist/bench/throughput/override-ab.js --kernels AvgPool,AvgPoolGrad [--nets c1] [--threads 2] [--rounds 6]
 */
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../../src/trainer/backends/index.js';
import { registerWasmTrainingKernels, restorePackageKernels } from '../../src/trainer/backends/kernels/index.js';
import { loadPanel } from './panel-nets.js';
import { bestStepMs, trainingStep } from './training-step.js';

const { values: options } = parseArgs({
  options: {
    kernels: { type: 'string', default: 'AvgPool,AvgPoolGrad' },
    nets: { type: 'string', default: 'c1' },
    threads: { type: 'string', default: '2' },
    rounds: { type: 'string', default: '6' },
  },
});
await selectBackend('wasm', { threads: Number(options.threads) });
const kernels = options.kernels.split(',');
const sides = [() => restorePackageKernels(kernels), () => registerWasmTrainingKernels()];

for (const net of loadPanel(options.nets.split(','))) {
  const step = trainingStep(tf, net.arch, net.input, 64);
  for (let i = 0; i < 3; i++) step();
  const steps = Math.max(3, Math.round(4e7 / net.macs));
  const best = [Infinity, Infinity];
  for (let round = 0; round < Number(options.rounds); round++) {
    for (const [i, use] of sides.entries()) {
      use();
      best[i] = bestStepMs(step, steps, best[i]);
    }
  }
  const [packaged, ours] = best.map((ms) => ms.toFixed(2));
  console.log(`${net.name}, ${options.threads} threads, ${kernels.join('+')}: the package's ${packaged} ms, the trainer's ${ours} ms a step, speedup ${(best[0] / best[1]).toFixed(3)}`);
}
