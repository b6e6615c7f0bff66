/**
 * A classifier's three training products on wasm, each timed alone: the forward x W, the weight gradient xᵀ dy and
 * the input gradient dy Wᵀ, for a batch of 64 and 10 classes, on p3's and p4's 6,272 inputs and p1's 256. Median and
 * best of --calls calls each, in ms. For comparing builds process by process (the same script in each build).
 *
 *   node dist/bench/throughput/classifier-products.js [--threads 1] [--calls 300]
 */
import { parseArgs } from 'node:util';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { selectBackend } from '../../src/trainer/backends/index.js';
import { kernelThreadsStarted } from '../../src/trainer/backends/kernels/threads/pool.js';

const { values: options } = parseArgs({ options: { threads: { type: 'string', default: '1' }, calls: { type: 'string', default: '300' } } });
const { tf } = await selectBackend('wasm', { threads: Number(options.threads) });
await kernelThreadsStarted(tf.backend() as unknown as BackendWasm);
const BATCH = 64;
const CLASSES = 10;

/** Median and best of `calls` calls of `product` (its result disposed), in ms. */
function timed(product: () => { dispose(): void }, calls: number): [number, number] {
  const times: number[] = [];
  for (let i = 0; i < calls; i++) {
    const start = performance.now();
    const out = product();
    times.push(performance.now() - start);
    out.dispose();
  }
  times.sort((a, b) => a - b);
  return [times[Math.floor(calls / 2)], times[0]];
}

for (const inputs of [6272, 256]) {
  const x = tf.randomNormal([BATCH, inputs]);
  const w = tf.randomNormal([inputs, CLASSES]);
  const dy = tf.randomNormal([BATCH, CLASSES]);
  const products: [string, () => { dispose(): void }][] = [
    ['forward x W', () => tf.matMul(x, w)],
    ['weight gradient xᵀ dy', () => tf.matMul(x, dy, true, false)],
    ['input gradient dy Wᵀ', () => tf.matMul(dy, w, false, true)],
  ];
  for (const [name, product] of products) {
    timed(product, 20);
    const [median, best] = timed(product, Number(options.calls));
    console.log(`${options.threads} thread(s), ${inputs} inputs, ${name}: median ${median.toFixed(3)} ms, best ${best.toFixed(3)} ms`);
  }
  tf.dispose([x, w, dy]);
}
