/**
 * A convolution's input gradient by the rotated-tap convolutions (kernels/conv2d-backprop-input.ts) and by the
 * column product and scatter (kernels/columns-input-gradient.ts), alternating in one process, on the panel's
 * strided and small-image layers: the fastest call of each side over --rounds rounds of 3 calls, at batch 64.
 * With --nets, whole training steps of those panel nets instead, the rotated taps everywhere against the
 * trainer's rule (the best mean step of each side over the rounds).
 *
 *   node dist/bench/throughput/input-gradient-routes.js [--threads 1] [--rounds 4] [--nets c1,h2,p5]
 */
import { parseArgs } from 'node:util';
import type { Tensor } from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { selectBackend } from '../../src/trainer/backends/index.js';
import { columnsRoute } from '../../src/trainer/backends/kernels/columns-input-gradient.js';
import { kernelThreadsStarted } from '../../src/trainer/backends/kernels/threads/pool.js';
import { loadPanel } from './panel-nets.js';
import { bestStepMs, trainingStep } from './training-step.js';

const { values: options } = parseArgs({ options: { threads: { type: 'string', default: '1' }, rounds: { type: 'string', default: '4' }, nets: { type: 'string' } } });
const { tf } = await selectBackend('wasm', { threads: Number(options.threads) });
await kernelThreadsStarted(tf.backend() as unknown as BackendWasm);
const BATCH = 64;

/** [H, W, C_in], kernel, C_out, stride, and the panel nets that have the layer. */
const SHAPES: [[number, number, number], number, number, number, string][] = [
  [[8, 8, 128], 5, 512, 2, 'c1'], [[14, 14, 128], 3, 32, 2, 'p1'], [[32, 32, 64], 3, 128, 2, 'h2'], [[16, 16, 128], 3, 256, 2, 'h2'],
  [[16, 16, 128], 3, 128, 1, 'h2'], [[7, 7, 64], 3, 128, 1, 'p5'], [[7, 7, 128], 3, 128, 1, 'p5'], [[14, 14, 64], 3, 32, 1, 'p3'],
  [[14, 14, 64], 3, 64, 1, 'p5'], [[28, 28, 32], 3, 32, 1, 'p5'],
];

if (options.nets !== undefined) {
  for (const net of loadPanel(options.nets.split(','))) {
    const step = trainingStep(tf, net.arch, net.input, BATCH);
    for (let i = 0; i < 3; i++) step();
    const steps = Math.max(3, Math.round(4e8 / net.macs / BATCH));
    const best = [Infinity, Infinity];
    for (let round = 0; round < Number(options.rounds); round++) {
      for (const [side, choice] of (['never', 'auto'] as const).entries()) {
        columnsRoute.choice = choice;
        best[side] = bestStepMs(step, steps, best[side]);
      }
    }
    console.log(`${net.name}, ${options.threads} threads: rotated taps ${best[0].toFixed(1)} ms, the rule ${best[1].toFixed(1)} ms a step, speedup ${(best[0] / best[1]).toFixed(3)}`);
  }
  process.exit(0);
}

console.log(`| layer (batch ${BATCH}, ${options.threads} thread(s)) | nets | rotated taps ms | columns ms | speedup |`);
console.log('| --- | --- | ---: | ---: | ---: |');
for (const [[h, w, ci], k, co, s, nets] of SHAPES) {
  const dy = tf.randomNormal([BATCH, Math.ceil(h / s), Math.ceil(w / s), co]);
  const filter = tf.randomNormal([k, k, ci, co]);
  const attrs = { strides: [s, s], pad: 'same', dataFormat: 'NHWC', dilations: [1, 1], inputShape: [BATCH, h, w, ci] };
  // Braces: a tidy that returned the values would walk all of them looking for tensors.
  const call = () => tf.tidy(() => {
    (tf.engine().runKernel('Conv2DBackpropInput', { dy, filter }, attrs) as Tensor).dataSync();
  });
  const best = [Infinity, Infinity];
  for (let round = 0; round < Number(options.rounds); round++) {
    for (const [side, choice] of (['never', 'always'] as const).entries()) {
      columnsRoute.choice = choice;
      call();
      for (let i = 0; i < 3; i++) {
        const start = performance.now();
        call();
        best[side] = Math.min(best[side], performance.now() - start);
      }
    }
  }
  columnsRoute.choice = 'auto';
  console.log(`| ${h}x${w}x${ci} k${k}x${k} s${s} -> ${co} | ${nets} | ${best[0].toFixed(2)} | ${best[1].toFixed(2)} | ${(best[0] / best[1]).toFixed(2)} |`);
  tf.dispose([dy, filter]);
}
