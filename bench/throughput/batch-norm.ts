/**
 * Batch norm in training on the wasm backend, one layer's forward and backward, tfjs's own path (tf.moments,
 * tf.batchNorm and autodiff, what tfjs-layers runs) against the fused op (kernels/batch-norm.ts), in
 * alternation in one process: `node dist/bench/throughput/batch-norm.js [--threads 1] [--reps 10]`.
 * Shapes: the batch-norm activations of the throughput panel's p5 and h1 at batch 64.
 */
import { parseArgs } from 'node:util';
import type { Tensor, Tensor1D } from '@tensorflow/tfjs';
import { selectBackend } from '../../src/trainer/backends/index.js';
import { batchNormTraining } from '../../src/trainer/backends/kernels/batch-norm.js';

const { values: options } = parseArgs({
  options: { threads: { type: 'string', default: '1' }, reps: { type: 'string', default: '10' }, rounds: { type: 'string', default: '2' } },
});
const { tf, notes } = await selectBackend('wasm', { threads: Number(options.threads) });
console.log(notes.join('; '));

const SHAPES: [string, number[]][] = [
  ['p5 layers 1-2', [64, 28, 28, 32]],
  ['p5 layers 4-5', [64, 14, 14, 64]],
  ['p5 layers 7-8', [64, 7, 7, 128]],
  ['h1 layers 1-2', [64, 28, 28, 64]],
  ['h1 layers 4-5', [64, 14, 14, 128]],
];

type Normalise = (x: Tensor, gamma: Tensor1D, beta: Tensor1D) => Tensor;
const stock: Normalise = (x, gamma, beta) => {
  const { mean, variance } = tf.moments(x, [0, 1, 2]);
  return tf.batchNorm(x, mean, variance, beta, gamma, 1e-3);
};
const fused: Normalise = (x, gamma, beta) => batchNormTraining(x, gamma, beta, 1e-3)[0];

/** Milliseconds of one forward and backward pass (gradients of x, gamma and beta), averaged over `reps`. */
function time(normalise: Normalise, shape: number[], reps: number): number {
  const c = shape[3];
  const [x, r] = [tf.randomNormal(shape, 0.3, 1, 'float32', 1), tf.randomNormal(shape, 0, 1, 'float32', 2)];
  const [gamma, beta] = [tf.randomUniform([c], 0.5, 1.5, 'float32', 3) as Tensor1D, tf.zeros([c]) as Tensor1D];
  const step = () => {
    // r is the gradient reaching y.
    const grads = tf.grads((a: Tensor, g: Tensor, b: Tensor) => normalise(a, g as Tensor1D, b as Tensor1D))([x, gamma, beta], r);
    grads[0].dataSync();
    tf.dispose(grads);
  };
  step();
  const start = performance.now();
  for (let i = 0; i < reps; i++) step();
  const ms = (performance.now() - start) / reps;
  tf.dispose([x, r, gamma, beta]);
  return ms;
}

const reps = Number(options.reps);
console.log(`forward + backward of one batch-norm layer, ms (mean of ${reps}), threads ${options.threads}`);
console.log('shape                       | round | tfjs path | fused | ratio');
for (let round = 1; round <= Number(options.rounds); round++) {
  for (const [label, shape] of SHAPES) {
    const before = time(stock, shape, reps);
    const after = time(fused, shape, reps);
    console.log(`${label} [${shape.join('x')}]`.padEnd(28) + `| ${round}     | ${before.toFixed(1).padStart(9)} | ${after.toFixed(1).padStart(5)} | ${(before / after).toFixed(1)}x`);
  }
}
