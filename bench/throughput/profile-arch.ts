/**
 * Where one training step of an ARCH's network goes, per kernel, with the trainer's own model, loss and
 * optimizer: `node dist/bench/throughput/profile-arch.js ARCH.json [--batch 64] [--threads 1] [--input 28x28x1]`.
 */
import fs from 'node:fs';
import { parseArgs } from 'node:util';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { selectBackend } from '../../src/trainer/backends/index.js';
import { kernelThreadsStarted } from '../../src/trainer/backends/kernels/threads/pool.js';
import { printKernelTimes } from './kernel-times.js';
import { trainingStep } from './training-step.js';
import { parseArch, parseShape } from '../../src/space/index.js';

const { values: options, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    batch: { type: 'string', default: '64' },
    threads: { type: 'string', default: '1' },
    input: { type: 'string', default: '28x28x1' },
    steps: { type: 'string', default: '5' },
  },
});
const archText = positionals[0]?.trim().startsWith('[') ? positionals[0] : fs.readFileSync(positionals[0] ?? '', 'utf8');
const arch = parseArch(JSON.parse(archText));
const { tf } = await selectBackend('wasm', { threads: Number(options.threads) });
await kernelThreadsStarted(tf.backend() as unknown as BackendWasm);
const input = parseShape(options.input);
const batch = Number(options.batch);
const step = trainingStep(tf, arch, input, batch);
for (let i = 0; i < 3; i++) step();
const steps = Number(options.steps);
const start = performance.now();
for (let i = 0; i < steps; i++) step();
const stepMs = (performance.now() - start) / steps;
console.log(`${batch} images a step: ${stepMs.toFixed(1)} ms a step, ${((batch * 1000) / stepMs).toFixed(0)} images/s`);
await printKernelTimes(tf, positionals[0], step);
