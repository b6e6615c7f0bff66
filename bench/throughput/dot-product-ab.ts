/**
 * A dense layer's input gradient dy Wᵀ in dot-product form (kernels/dot-product.ts) against the route it took
 * before, (W dyᵀ)ᵀ: dy transposed, the plain product, its [inputs, batch] result transposed. Alternating in one
 * process, best of --rounds rounds: the product alone on the panel's dense layers, then whole training steps of the nets
 * that have them, with BatchMatMul's transposed products sent the old way.
 *
 *   node dist/bench/throughput/dot-product-ab.js [--nets p2,p1,w1] [--threads 2] [--rounds 6]
 */
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../../src/trainer/backends/index.js';
import { loadPanel } from './panel-nets.js';
import { bestStepMs, trainingStep } from './training-step.js';

const { values: options } = parseArgs({
  options: { nets: { type: 'string', default: 'p2,p1,w1' }, threads: { type: 'string', default: '2' }, rounds: { type: 'string', default: '6' } },
});
await selectBackend('wasm', { threads: Number(options.threads) });
const BATCH = 64;

/** [inputs, units] of the panel's dense kernels whose input gradient training takes (a classifier's 10 units take the other route). */
const LAYERS: [number, number, string][] = [[25088, 128, 'p2'], [1568, 256, 'p1'], [3136, 1024, 'w1'], [1024, 512, 'w1']];

const dotForm = tf.getKernel('BatchMatMul', 'wasm')!;
const swapped: tf.KernelConfig = {
  ...dotForm,
  kernelFunc: (args) => {
    const { a, b } = args.inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
    const { transposeA, transposeB } = args.attrs as { transposeA: boolean; transposeB: boolean };
    // Single products only (tfjs hands the gradients of a dense layer over as [1, rows, cols]).
    const single = (t: tf.TensorInfo) => tf.util.sizeFromShape(t.shape.slice(0, -2)) === 1;
    if (transposeA || !transposeB || a.shape.length !== b.shape.length || !single(a) || !single(b)) return dotForm.kernelFunc(args);
    const lastTwo = [...a.shape.slice(0, -2).map((_, i) => i), a.shape.length - 1, a.shape.length - 2];
    const run = (name: string, inputs: tf.NamedTensorInfoMap, attrs: object) => tf.getKernel(name, 'wasm')!.kernelFunc({ inputs, attrs: attrs as tf.NamedAttrMap, backend: args.backend }) as tf.TensorInfo;
    const dyT = run('Transpose', { x: a }, { perm: lastTwo });
    const product = dotForm.kernelFunc({ ...args, inputs: { a: b, b: dyT }, attrs: { transposeA: false, transposeB: false } }) as tf.TensorInfo;
    const out = run('Transpose', { x: product }, { perm: lastTwo });
    for (const t of [dyT, product]) (args.backend as tf.KernelBackend).disposeData(t.dataId);
    return out;
  },
};
const use = (kernel: tf.KernelConfig) => {
  tf.unregisterKernel('BatchMatMul', 'wasm');
  tf.registerKernel(kernel);
};
const routes: [string, tf.KernelConfig][] = [['(W dyᵀ)ᵀ', swapped], ['dot-product form', dotForm]];

function bestOf(f: () => void, calls: number, best: number): number {
  for (let i = 0; i < calls; i++) {
    const start = performance.now();
    f();
    best = Math.min(best, performance.now() - start);
  }
  return best;
}

for (const [inputs, units, net] of LAYERS) {
  const dy = tf.randomNormal([BATCH, units]);
  const w = tf.randomNormal([inputs, units]);
  const product = () => tf.tidy(() => void tf.matMul(dy, w, false, true).dataSync());
  const best = [Infinity, Infinity];
  for (let round = 0; round < Number(options.rounds); round++) {
    for (const [i, [, kernel]] of routes.entries()) {
      use(kernel);
      best[i] = bestOf(product, 5, best[i]);
    }
  }
  const gmacs = (ms: number) => ((BATCH * inputs * units) / ms / 1e6).toFixed(1);
  console.log(`${net} dy [${BATCH}, ${units}] by W [${inputs}, ${units}]ᵀ, ${options.threads} threads: ${routes.map(([name], i) => `${name} ${best[i].toFixed(2)} ms (${gmacs(best[i])} GMAC/s)`).join(', ')}`);
  tf.dispose([dy, w]);
}

for (const net of loadPanel(options.nets.split(','))) {
  const step = trainingStep(tf, net.arch, net.input, BATCH);
  for (let i = 0; i < 3; i++) step();
  const steps = Math.max(3, Math.round(4e7 / net.macs));
  const best = [Infinity, Infinity];
  for (let round = 0; round < Number(options.rounds); round++) {
    for (const [i, [, kernel]] of routes.entries()) {
      use(kernel);
      best[i] = bestStepMs(step, steps, best[i]);
    }
  }
  console.log(`${net.name} step, ${options.threads} threads: ${routes.map(([name], i) => `${name} ${best[i].toFixed(2)} ms`).join(', ')}, speedup ${(best[0] / best[1]).toFixed(3)}`);
}
use(dotForm);
