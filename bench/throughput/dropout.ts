/**
 * Dropout in training on the wasm backend, one layer's forward and backward: tfjs's own tf.dropout (uniform
 * numbers drawn in JavaScript, then Add, Floor, RealDiv, Multiply; Multiply again for the gradient) against the
 * seeded kernel (kernels/dropout.ts), in alternation in one process:
 * `node dist/bench/throughput/dropout.js [--threads 1] [--reps 10] [--rounds 2]`.
 * Shapes: the dropout inputs of the throughput panel's p1, p2, p3 and p4 at batch 64.
 */
import { parseArgs } from 'node:util';
import type { Tensor } from '@tensorflow/tfjs';
import { seededDropout, selectBackend } from '../../src/trainer/backends/index.js';

const { values: options } = parseArgs({
  options: { threads: { type: 'string', default: '1' }, reps: { type: 'string', default: '10' }, rounds: { type: 'string', default: '2' } },
});
const { tf, notes } = await selectBackend('wasm', { threads: Number(options.threads) });
console.log(notes.join('; '));

const SHAPES: [string, number[], number][] = [
  ['p1, p2 after the pool', [64, 14, 14, 128], 0.2],
  ['p3 after the pool', [64, 14, 14, 64], 0.1],
  ['p4 after the pool', [64, 14, 14, 32], 0.1],
  ['p1 after C32k3s2', [64, 7, 7, 32], 0.1],
];

type Drop = (x: Tensor, rate: number, seed: number) => Tensor;
const stock: Drop = (x, rate, seed) => tf.dropout(x, rate, undefined, seed);

/** Milliseconds of one forward and backward pass, averaged over `reps` (a new seed each, as in training). */
function time(drop: Drop, shape: number[], rate: number, reps: number): number {
  const [x, r] = [tf.randomNormal(shape, 0, 1, 'float32', 1), tf.randomNormal(shape, 0, 1, 'float32', 2)];
  let seed = 1;
  const step = () => {
    const [dx] = tf.grads((a: Tensor) => drop(a, rate, seed++))([x], r);
    dx.dataSync();
    dx.dispose();
  };
  step();
  const start = performance.now();
  for (let i = 0; i < reps; i++) step();
  const ms = (performance.now() - start) / reps;
  tf.dispose([x, r]);
  return ms;
}

const reps = Number(options.reps);
console.log(`forward + backward of one dropout layer, ms (mean of ${reps}), threads ${options.threads}`);
console.log('shape                                   | round | tf.dropout | seeded kernel | ratio');
for (let round = 1; round <= Number(options.rounds); round++) {
  for (const [label, shape, rate] of SHAPES) {
    const before = time(stock, shape, rate, reps);
    const after = time(seededDropout, shape, rate, reps);
    console.log(`${label} [${shape.join('x')}]`.padEnd(40) + `| ${round}     | ${before.toFixed(2).padStart(10)} | ${after.toFixed(2).padStart(13)} | ${(before / after).toFixed(1)}x`);
  }
}
