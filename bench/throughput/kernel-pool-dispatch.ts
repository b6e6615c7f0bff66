/**
 * What handing work to the kernel pool's threads costs and gains (kernels/threads/pool.ts): an empty job (one
 * piece per thread), then ReLU passes of growing size on this thread against the same pass cut into pieces for
 * the pool, with the share of pieces the workers took. Alternating, best of --repeats.
 *
 *   node dist/bench/throughput/kernel-pool-dispatch.js [--threads 2] [--repeats 200]
 */
import { parseArgs } from 'node:util';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { selectBackend } from '../../src/trainer/backends/index.js';
import { activationLoops } from '../../src/trainer/backends/kernels/activation-simd.js';
import { kernelPool, runCalls, type Call } from '../../src/trainer/backends/kernels/threads/pool.js';
import { splitRange } from '../../src/trainer/backends/kernels/threads/split.js';

const { values: options } = parseArgs({ options: { threads: { type: 'string', default: '2' }, repeats: { type: 'string', default: '200' } } });
const { tf } = await selectBackend('wasm', { threads: Number(options.threads) });
const backend = tf.backend() as unknown as BackendWasm;
const pool = kernelPool(backend);
const loops = activationLoops(backend);
if (pool === null || loops === null) throw new Error('no kernel pool (a single-threaded backend?)');
while (!pool.allStarted()) await new Promise((resolve) => setTimeout(resolve, 10));
const repeats = Number(options.repeats);

/** Best time of `f` in µs, and the pieces the workers took per call. */
function time(f: () => void): { us: number; byWorkers: number } {
  const before = pool!.piecesByWorkers();
  let best = Infinity;
  for (let i = 0; i < repeats; i++) {
    const start = performance.now();
    f();
    best = Math.min(best, 1000 * (performance.now() - start));
  }
  return { us: best, byWorkers: (pool!.piecesByWorkers() - before) / repeats };
}

const empty = time(() => pool.run(Array.from({ length: pool.threads() }, () => [{ loops, fn: 'relu', args: [0, 0, 0] }])));
console.log(`empty job, ${pool.threads()} pieces: ${empty.us.toFixed(1)} µs, ${empty.byWorkers.toFixed(2)} pieces a job on the workers`);
console.log('| ReLU elements | one thread µs | pool µs | pieces on workers (of 8) |\n| ---: | ---: | ---: | ---: |');
for (const elements of [1 << 14, 1 << 16, 1 << 18, 1 << 20, 1 << 22]) {
  const x = tf.randomNormal([elements]);
  const y = tf.zerosLike(x);
  const [xAt, yAt] = [x, y].map((t) => (backend.typedArrayFromHeap(t) as Float32Array).byteOffset);
  const pieces: Call[][] = splitRange(elements / 4, 4 * pool.threads(), 4).map(([first, end]) => [{ loops, fn: 'relu', args: [xAt + 16 * first, yAt + 16 * first, 16 * (end - first)] }]);
  const whole = [{ loops, fn: 'relu', args: [xAt, yAt, 4 * elements] }];
  const one = time(() => runCalls(whole));
  const many = time(() => pool.run(pieces));
  console.log(`| ${elements} | ${one.us.toFixed(1)} | ${many.us.toFixed(1)} | ${many.byWorkers.toFixed(1)} |`);
  tf.dispose([x, y]);
}
