/**
 * Where a training step's time goes, averaged over many steps: every wasm kernel's own time (outermost calls
 * only, a kernel that runs others counted once) and the time outside kernels (tfjs's bookkeeping, the layers,
 * autodiff, and the JavaScript between kernels). Run it from two builds to compare them.
 *
 *   node dist/bench/throughput/kernel-means.js --net p4 [--threads 2] [--steps 300]
 */
import { parseArgs } from 'node:util';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { selectBackend } from '../../src/trainer/backends/index.js';
import { kernelThreadsStarted } from '../../src/trainer/backends/kernels/threads/pool.js';
import { loadPanel } from './panel-nets.js';
import { trainingStep } from './training-step.js';

const { values: options } = parseArgs({
  options: { net: { type: 'string', default: 'p4' }, threads: { type: 'string', default: '2' }, steps: { type: 'string', default: '300' } },
});
const { tf } = await selectBackend('wasm', { threads: Number(options.threads) });
await kernelThreadsStarted(tf.backend() as unknown as BackendWasm);

const totals = new Map<string, { ms: number; calls: number }>();
let depth = 0;
for (const config of tf.getKernelsForBackend('wasm')) {
  const inner = config.kernelFunc;
  tf.unregisterKernel(config.kernelName, 'wasm');
  tf.registerKernel({
    ...config,
    kernelFunc: (args) => {
      if (depth > 0) return inner(args);
      depth++;
      const start = performance.now();
      try {
        return inner(args);
      } finally {
        depth--;
        const entry = totals.get(config.kernelName) ?? { ms: 0, calls: 0 };
        entry.ms += performance.now() - start;
        entry.calls++;
        totals.set(config.kernelName, entry);
      }
    },
  });
}

const [net] = loadPanel([options.net]);
const step = trainingStep(tf, net.arch, net.input, 64);
for (let i = 0; i < 20; i++) step();
totals.clear();
const steps = Number(options.steps);
const start = performance.now();
for (let i = 0; i < steps; i++) step();
const stepMs = (performance.now() - start) / steps;
const rows = [...totals.entries()].sort((a, b) => b[1].ms - a[1].ms);
const inKernels = rows.reduce((sum, [, e]) => sum + e.ms, 0) / steps;
console.log(`${net.name}, ${options.threads} thread(s), ${steps} steps: ${stepMs.toFixed(2)} ms a step, ${inKernels.toFixed(2)} in kernels, ${(stepMs - inKernels).toFixed(2)} outside them`);
for (const [name, e] of rows) console.log(`  ${name.padEnd(30)} ${(e.ms / steps).toFixed(3).padStart(8)} ms  x${(e.calls / steps).toFixed(0)}`);
