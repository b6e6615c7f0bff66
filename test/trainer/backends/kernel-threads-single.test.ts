/** The heap loops with a 1-thread wasm backend: no kernel pool, and the products of threaded-cases.ts as cpu's. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { selectBackend } from '../../../src/trainer/backends/index.js';
import { kernelPool } from '../../../src/trainer/backends/kernels/threads/pool.js';
import { relativeError, runOn } from './helpers.js';
import { THREADED_CASES } from './threaded-cases.js';

describe('heap loops on a 1-thread backend', () => {
  it('has no kernel pool', async () => {
    const selected = await selectBackend('wasm', { threads: 1 });
    assert.match(selected.notes[0], /1 thread/);
    assert.equal(kernelPool(tf.backend() as unknown as BackendWasm), null);
  });

  for (const c of THREADED_CASES) {
    it(`${c.what}: as cpu to 1e-4`, async () => {
      await selectBackend('wasm', { threads: 1 });
      const wasm = await runOn('wasm', c.inputs, c.compute);
      const cpu = await runOn('cpu', c.inputs, c.compute);
      wasm.forEach((w, i) => assert.ok(relativeError(w, cpu[i]) < 1e-4, `output ${i}: relative error ${relativeError(w, cpu[i])}`));
    });
  }
});
