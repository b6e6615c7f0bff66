/**
 * The heap loops on the kernel pool's threads (kernels/threads/pool.ts) with a 2-thread wasm backend: the same
 * numbers as on one thread (NAS_KERNEL_THREADS=1's path, through setKernelThreadLimit) and as the cpu
 * backend; work actually done by a worker; a failing piece reported; a process that used the pool exits.
 */
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { selectBackend } from '../../../src/trainer/backends/index.js';
import { activationLoops } from '../../../src/trainer/backends/kernels/activation-simd.js';
import { KernelPool, kernelPool, setKernelThreadLimit } from '../../../src/trainer/backends/kernels/threads/pool.js';
import { relativeError, runOn } from './helpers.js';
import { THREADED_CASES } from './threaded-cases.js';

async function readyPool(): Promise<KernelPool> {
  const pool = kernelPool(tf.backend() as unknown as BackendWasm);
  assert.ok(pool !== null, 'a 2-thread backend has a kernel pool');
  assert.equal(pool.threads(), 2, 'work is split for both threads, started or not');
  for (let waited = 0; !pool.allStarted(); waited += 20) {
    assert.ok(waited < 30_000, 'the pool\'s worker did not start in 30 s');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return pool;
}

describe('heap loops on the kernel pool\'s threads', () => {
  let pool: KernelPool;
  before(async () => {
    await selectBackend('wasm', { threads: 2 });
    await tf.setBackend('wasm');
    pool = await readyPool();
  });

  for (const c of THREADED_CASES) {
    it(`${c.what}: 2 threads as 1 to 1e-5, and as cpu to 1e-4`, async () => {
      setKernelThreadLimit(1);
      const single = await runOn('wasm', c.inputs, c.compute);
      setKernelThreadLimit(Infinity);
      const threaded = await runOn('wasm', c.inputs, c.compute);
      const cpu = await runOn('cpu', c.inputs, c.compute);
      assert.equal(threaded.length, cpu.length);
      threaded.forEach((t, i) => {
        assert.ok(relativeError(t, single[i]) < 1e-5, `output ${i}, threaded vs one thread: ${relativeError(t, single[i])}`);
        assert.ok(relativeError(t, cpu[i]) < 1e-4, `output ${i}, threaded vs cpu: ${relativeError(t, cpu[i])}`);
      });
    });
  }

  it('work is split for every worker made, before it has started: the numbers do not depend on how soon workers start', () => {
    const api = (globalThis as unknown as { WebAssembly: { Memory: new (d: object) => { buffer: ArrayBufferLike } } }).WebAssembly;
    const fresh = new KernelPool(new api.Memory({ initial: 1, maximum: 2, shared: true }), 1);
    assert.equal(fresh.allStarted(), false, 'checked before its worker started');
    assert.equal(fresh.threads(), 2);
  });

  it('a worker takes pieces of a big product', async () => {
    const c = THREADED_CASES[1];
    const before = pool.piecesByWorkers();
    for (let tries = 0; tries < 50 && pool.piecesByWorkers() === before; tries++) await runOn('wasm', c.inputs, c.compute);
    assert.ok(pool.piecesByWorkers() > before, 'no piece ran on the worker in 50 products');
  });

  it('an error in a piece is thrown by run, and the pool goes on working', async () => {
    await tf.setBackend('wasm');
    const loops = activationLoops(tf.backend() as unknown as BackendWasm);
    assert.ok(loops !== null);
    // Addresses past the end of the heap: the loop traps wherever it runs.
    const outside = 2 ** 31;
    const bad = Array.from({ length: 8 }, () => [{ loops, fn: 'relu', args: [outside, outside, 64] }]);
    assert.throws(() => pool.run(bad), /out of bounds/);
    const c = THREADED_CASES[3];
    const [again] = await runOn('wasm', c.inputs, c.compute);
    const [cpu] = await runOn('cpu', c.inputs, c.compute);
    assert.ok(relativeError(again, cpu) < 1e-4);
  });

  it('a process whose kernels ran on the pool exits by itself (the workers are unref\'d)', async () => {
    const backends = new URL('../../../src/trainer/backends/index.js', import.meta.url).href;
    const pool = new URL('../../../src/trainer/backends/kernels/threads/pool.js', import.meta.url).href;
    const script = `
      import * as tf from '@tensorflow/tfjs';
      import { selectBackend } from '${backends}';
      import { kernelPool } from '${pool}';
      await selectBackend('wasm', { threads: 2 });
      const x = tf.randomNormal([64, 3000]);
      const w = tf.randomNormal([3000, 64]);
      for (let i = 0; i < 200 && kernelPool(tf.backend()).piecesByWorkers() === 0; i++) { tf.matMul(x, w).dataSync(); await new Promise((r) => setTimeout(r, 10)); }
      console.log(kernelPool(tf.backend()).piecesByWorkers() > 0 ? 'done' : 'no piece ran on a worker');`;
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], { cwd: process.cwd(), stdio: ['ignore', 'pipe', 'inherit'] });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    const code = await new Promise<number | null>((resolve) => {
      const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
      child.on('exit', (exitCode) => {
        clearTimeout(timer);
        resolve(exitCode);
      });
    });
    assert.equal(output.trim(), 'done');
    assert.equal(code, 0, 'the child did not exit by itself within 60 s');
  });
});
