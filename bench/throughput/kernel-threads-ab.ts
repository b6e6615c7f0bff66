/**
 * The panel's weight-gradient and dense products with the heap loops on one thread and on the kernel pool's
 * threads (kernels/threads/pool.ts), alternating in one process: best of --repeats per layer shape, batch 64.
 *
 *   node dist/bench/throughput/kernel-threads-ab.js [--threads 2] [--nets p1,h1] [--repeats 7]
 */
import { parseArgs } from 'node:util';
import type * as tfjs from '@tensorflow/tfjs';
import { selectBackend } from '../../src/trainer/backends/index.js';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { kernelPool, setKernelThreadLimit } from '../../src/trainer/backends/kernels/threads/pool.js';
import { loadPanel, shapeKey, type WeightedLayer } from './panel-nets.js';

const { values: options } = parseArgs({ options: { threads: { type: 'string', default: '2' }, nets: { type: 'string' }, repeats: { type: 'string', default: '7' }, batch: { type: 'string', default: '64' } } });
const { tf } = await selectBackend('wasm', { threads: Number(options.threads) });
const batch = Number(options.batch);
const pool = kernelPool(tf.backend() as unknown as BackendWasm);
// The pool's workers start on its first use: wait for them, or the first layer would be timed on one thread.
while (pool !== null && !pool.allStarted()) await new Promise((resolve) => setTimeout(resolve, 10));

/** The kernels a layer's training step runs that the heap loops may do: conv dW; dense forward and dW. */
function work(l: WeightedLayer): { label: string; run: () => tfjs.Tensor }[] {
  if (l.kind === 'conv') {
    const x = tf.randomNormal([batch, l.inShape[0], l.inShape[1], l.inShape[2]]) as tfjs.Tensor4D;
    const filterShape: [number, number, number, number] = [l.kernel[0], l.kernel[1], l.inShape[2], l.outputs];
    const info = tf.backend_util.computeConv2DInfo(x.shape, filterShape, l.stride, 1, l.padding);
    const dy = tf.randomNormal(info.outShape);
    const attrs = { strides: l.stride, pad: l.padding, dataFormat: 'NHWC', dimRoundingMode: undefined, filterShape } as unknown as tfjs.NamedAttrMap;
    return [{ label: 'dW', run: () => tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, attrs) as tfjs.Tensor }];
  }
  const x = tf.randomNormal([batch, l.inShape[0]]) as tfjs.Tensor2D;
  const w = tf.randomNormal([l.inShape[0], l.outputs]) as tfjs.Tensor2D;
  const dy = tf.randomNormal([batch, l.outputs]) as tfjs.Tensor2D;
  return [{ label: 'forward', run: () => tf.matMul(x, w) }, { label: 'dW', run: () => tf.matMul(x, dy, true, false) }];
}

function best(run: () => tfjs.Tensor, repeats: number, limit: number): number {
  setKernelThreadLimit(limit);
  let fastest = Infinity;
  for (let i = 0; i < repeats; i++) {
    const start = performance.now();
    const out = run();
    out.dataSync();
    fastest = Math.min(fastest, performance.now() - start);
    out.dispose();
  }
  return fastest;
}

const seen = new Set<string>();
console.log(`| layer | kernel | 1 thread ms | ${options.threads} threads ms | speedup |\n| --- | --- | ---: | ---: | ---: |`);
for (const net of loadPanel(options.nets?.split(','))) {
  for (const layer of net.layers) {
    const key = shapeKey(layer);
    if (seen.has(key) || layer.outputs % 8 !== 0) continue;
    seen.add(key);
    for (const w of work(layer)) {
      best(w.run, 1, Infinity);
      const times = { one: Infinity, many: Infinity };
      for (let round = 0; round < 2; round++) {
        times.one = Math.min(times.one, best(w.run, Number(options.repeats), 1));
        times.many = Math.min(times.many, best(w.run, Number(options.repeats), Infinity));
      }
      console.log(`| ${net.name} ${key} | ${w.label} | ${times.one.toFixed(2)} | ${times.many.toFixed(2)} | ${(times.one / times.many).toFixed(2)} |`);
    }
  }
}
