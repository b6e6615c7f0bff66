/**
 * A bias gradient's sum over every axis but the channels (the Sum kernel, kernels/sum.ts), on activations of the
 * panel's sizes: the fastest and the median of 60 calls. Run it from two builds to compare them.
 *
 *   node dist/bench/throughput/bias-sum.js [--threads 1]
 */
import { parseArgs } from 'node:util';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { selectBackend } from '../../src/trainer/backends/index.js';
import { kernelThreadsStarted } from '../../src/trainer/backends/kernels/threads/pool.js';

const { values: options } = parseArgs({ options: { threads: { type: 'string', default: '1' } } });
const { tf } = await selectBackend('wasm', { threads: Number(options.threads) });
await kernelThreadsStarted(tf.backend() as unknown as BackendWasm);
for (const shape of [[64, 28, 28, 128], [64, 28, 28, 32], [64, 512]]) {
  const x = tf.randomNormal(shape);
  const axes = shape.slice(0, -1).map((_, i) => i);
  for (let i = 0; i < 10; i++) tf.sum(x, axes).dispose();
  const times: number[] = [];
  for (let i = 0; i < 60; i++) {
    const start = performance.now();
    tf.sum(x, axes).dispose();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  console.log(`${options.threads} thread(s), sum of ${shape.join('x')} over all but the channels: fastest ${times[0].toFixed(3)} ms, median ${times[30].toFixed(3)} ms`);
  x.dispose();
}
