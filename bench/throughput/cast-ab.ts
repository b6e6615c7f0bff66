/**
 * The trainer's Cast kernel (a same-dtype cast shares its input's data) against a copying one (what
 * tfjs-backend-wasm's kernel does), alternating in one process: best step time of each over 6 rounds.
 *
 *   node dist/bench/throughput/cast-ab.js [--nets p4,p1,p3] [--threads 2]
 */
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { selectBackend } from '../../src/trainer/backends/index.js';
import { loadPanel } from './panel-nets.js';
import { bestStepMs, trainingStep } from './training-step.js';

const { values: options } = parseArgs({
  options: { nets: { type: 'string', default: 'p4,p1,p3' }, threads: { type: 'string', default: '2' } },
});
await selectBackend('wasm', { threads: Number(options.threads) });
const sharing = tf.getKernel('Cast', 'wasm')!;
const copying: tf.KernelConfig = {
  ...sharing,
  kernelFunc: ({ inputs, backend, attrs }) => {
    const x = (inputs as { x: tf.TensorInfo }).x;
    if (x.dtype !== (attrs as { dtype: string }).dtype) return sharing.kernelFunc({ inputs, backend, attrs });
    const wasm = backend as unknown as BackendWasm;
    const out = wasm.makeOutput(x.shape, x.dtype);
    wasm.typedArrayFromHeap(out).set(wasm.typedArrayFromHeap(x));
    return out;
  },
};
const use = (kernel: tf.KernelConfig) => {
  tf.unregisterKernel('Cast', 'wasm');
  tf.registerKernel(kernel);
};

for (const net of loadPanel(options.nets.split(','))) {
  const step = trainingStep(tf, net.arch, net.input, 64);
  for (let i = 0; i < 3; i++) step();
  const steps = Math.max(3, Math.round(4e7 / net.macs));
  const best = [Infinity, Infinity];
  for (let round = 0; round < 6; round++) {
    for (const [i, kernel] of [copying, sharing].entries()) {
      use(kernel);
      best[i] = bestStepMs(step, steps, best[i]);
    }
  }
  const [copied, shared] = best.map((ms) => ms.toFixed(2));
  console.log(`${net.name}, ${options.threads} threads: copying ${copied} ms, sharing ${shared} ms a step, speedup ${(best[0] / best[1]).toFixed(3)}`);
}
