/**
 * The forward convolutions of inputs with few channels (the panel's first layers), by the package's XNNPACK kernel
 * and by the trainer's SIMD loops (kernels/narrow-conv.ts), alternating in one process: the fastest call of each
 * over --rounds rounds of --calls calls, at batch 64.
 *
 *   node dist/bench/throughput/narrow-conv.js [--threads 1] [--rounds 5] [--calls 10]
 */
import { parseArgs } from 'node:util';
import type { Tensor4D } from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { selectBackend } from '../../src/trainer/backends/index.js';
import { kernelThreadsStarted } from '../../src/trainer/backends/kernels/threads/pool.js';
import { registerWasmTrainingKernels, restorePackageKernels } from '../../src/trainer/backends/kernels/index.js';

const { values: options } = parseArgs({ options: { threads: { type: 'string', default: '1' }, rounds: { type: 'string', default: '5' }, calls: { type: 'string', default: '10' } } });
const { tf } = await selectBackend('wasm', { threads: Number(options.threads) });
await kernelThreadsStarted(tf.backend() as unknown as BackendWasm);
const BATCH = 64;

/** [H, W, C_in], kernel, C_out, stride, and the panel nets that have it. */
const SHAPES: [[number, number, number], number, number, number, string][] = [
  [[28, 28, 1], 5, 128, 1, 'p1'], [[28, 28, 1], 3, 128, 1, 'p2'], [[28, 28, 1], 5, 64, 1, 'p3'], [[28, 28, 1], 5, 32, 1, 'p4'],
  [[28, 28, 1], 3, 32, 1, 'p5, w1'], [[28, 28, 1], 3, 64, 1, 'h1'], [[32, 32, 3], 3, 64, 1, 'h2'], [[32, 32, 3], 1, 128, 2, 'c1'],
];

function fastestMs(call: () => void, calls: number): number {
  let best = Infinity;
  for (let i = 0; i < calls; i++) {
    const start = performance.now();
    call();
    best = Math.min(best, performance.now() - start);
  }
  return best;
}

console.log(`| conv (batch ${BATCH}, ${options.threads} thread(s)) | nets | XNNPACK ms | loops ms | XNNPACK GMAC/s | loops GMAC/s | speedup |`);
console.log('| --- | --- | ---: | ---: | ---: | ---: | ---: |');
for (const [input, k, outputs, stride, nets] of SHAPES) {
  const x = tf.randomNormal([BATCH, ...input]) as Tensor4D;
  const w = tf.randomNormal([k, k, input[2], outputs], 0, 0.1) as Tensor4D;
  const call = () => tf.conv2d(x, w, stride, 'same').dispose();
  const best = [Infinity, Infinity];
  for (let round = 0; round < Number(options.rounds); round++) {
    for (const side of [0, 1]) {
      if (side === 0) restorePackageKernels(['Conv2D', 'FusedConv2D']);
      else registerWasmTrainingKernels();
      call();
      best[side] = Math.min(best[side], fastestMs(call, Number(options.calls)));
    }
  }
  const macs = BATCH * Math.ceil(input[0] / stride) * Math.ceil(input[1] / stride) * k * k * input[2] * outputs;
  const rate = (ms: number) => (macs / ms / 1e6).toFixed(1);
  console.log(`| ${input.join('x')} k${k}x${k} s${stride} -> ${outputs} | ${nets} | ${best[0].toFixed(2)} | ${best[1].toFixed(2)} | ${rate(best[0])} | ${rate(best[1])} | ${(best[0] / best[1]).toFixed(2)} |`);
  tf.dispose([x, w]);
}
