/**
 * The mean time of a panel net's training steps, after 10 not timed, as one line: for comparing two builds
 * process by process, e.g. with farm-bench's --vs (each side run from its own build's dist).
 *
 *   node dist/bench/throughput/step-time.js --net p4 [--threads 2] [--steps 400]
 */
import { parseArgs } from 'node:util';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { selectBackend } from '../../src/trainer/backends/index.js';
import { kernelThreadsStarted } from '../../src/trainer/backends/kernels/threads/pool.js';
import { loadPanel } from './panel-nets.js';
import { trainingStep } from './training-step.js';

const { values: options } = parseArgs({
  options: { net: { type: 'string', default: 'p4' }, threads: { type: 'string', default: '2' }, steps: { type: 'string', default: '400' } },
});
const { tf } = await selectBackend('wasm', { threads: Number(options.threads) });
await kernelThreadsStarted(tf.backend() as unknown as BackendWasm);
const [net] = loadPanel([options.net]);
const step = trainingStep(tf, net.arch, net.input, 64);
for (let i = 0; i < 10; i++) step();
const steps = Number(options.steps);
const start = performance.now();
for (let i = 0; i < steps; i++) step();
console.log(`${net.name} ${options.threads} thread(s): ${((performance.now() - start) / steps).toFixed(2)} ms a step`);
