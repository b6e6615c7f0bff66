/** Backend selection: what auto picks and says here, and honest failures for what cannot load here. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { BackendError } from '../../../src/errors.js';
import { selectBackend, usesGpu } from '../../../src/trainer/backends/index.js';

describe('selectBackend', () => {
  it('auto falls through the unavailable TensorFlow packages to threaded wasm and says why', async () => {
    const selected = await selectBackend('auto');
    assert.equal(selected.name, 'wasm');
    assert.equal(selected.tf.getBackend(), 'wasm');
    const text = selected.notes.join('\n');
    assert.match(text, /'tensorflow-gpu' not available: @tensorflow\/tfjs-node-gpu cannot be loaded/);
    assert.match(text, /'tensorflow' not available: @tensorflow\/tfjs-node cannot be loaded/);
    assert.match(text, /threaded SIMD build, \d+ thread/);
  });

  it('an explicit TensorFlow backend that cannot load is a BackendError with a one-line reason', async () => {
    for (const name of ['tensorflow-gpu', 'tensorflow'] as const) {
      await assert.rejects(selectBackend(name), (error: unknown) => {
        assert.ok(error instanceof BackendError);
        assert.match(error.message, new RegExp(`^backend '${name}' is not available: `));
        assert.doesNotMatch(error.message, /\n/);
        return true;
      });
    }
  });

  it('tfjs-node-gpu that silently runs on the CPU is not taken as a GPU backend', async () => {
    const cpuOnly = { ...tf, setBackend: async () => true, ready: async () => {}, backend: () => ({ isUsingGpuDevice: false }) };
    const load = async (specifier: string) => {
      if (specifier === '@tensorflow/tfjs-node-gpu') return cpuOnly;
      throw new Error(`Cannot find package '${specifier}'`);
    };
    await assert.rejects(selectBackend('tensorflow-gpu', {}, load), /found no usable GPU.*fell back to the CPU/);
    const auto = await selectBackend('auto', {}, load);
    assert.equal(auto.name, 'tensorflow');
    assert.match(auto.notes.join('\n'), /'tensorflow-gpu' not available: .*no usable GPU/);
  });

  it('reads the GPU flag from a tfjs-node backend or its binding', () => {
    assert.equal(usesGpu({ isUsingGpuDevice: true }), true);
    assert.equal(usesGpu({ binding: { isUsingGpuDevice: () => false } }), false);
    assert.equal(usesGpu({}), undefined);
  });

  it('cpu is always available', async () => {
    const selected = await selectBackend('cpu');
    assert.equal(selected.name, 'cpu');
    assert.equal(tf.getBackend(), 'cpu');
  });
});
