import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { test } from 'node:test';
import { parseArch } from '../../src/space/index.js';
import { createTrainerPool, hyperParams, type TrainJob } from '../../src/trainer/index.js';

/** One epoch of a one-layer network on 16 synthetic images. */
const TINY_JOB: TrainJob = {
  arch: parseArch([{ type: 'C', num_output: 2, kernel_size: [3, 3], stride: [4, 4], activation: 'relu' }]),
  data: { dataset: 'synthetic', valFraction: 0.5, trainLimit: 16, splitSeed: 1, useTestSet: false },
  hyper: hyperParams({ epochs: 1, batchSize: 8 }),
};

const started = (pids: (number | undefined)[]): number => pids.filter((pid) => pid !== undefined).length;

test('a pool starts workers on first use only, no more than the jobs it is given at once, and reuses a free one first', async () => {
  const pool = createTrainerPool({ size: 8, backend: 'cpu' });
  try {
    assert.equal(started(pool.workerPids()), 0, 'nothing forked before the first job');
    const first = await pool.run(TINY_JOB);
    assert.ok(first.ok, JSON.stringify(first));
    assert.equal(started(pool.workerPids()), 1);
    const again = await pool.run(TINY_JOB);
    assert.equal(again.worker, first.worker, 'the started worker, not a new one');
    const both = await Promise.all([pool.run(TINY_JOB), pool.run(TINY_JOB)]);
    assert.ok(both.every((outcome) => outcome.ok));
    assert.equal(started(pool.workerPids()), 2);
  } finally {
    await pool.close();
  }
});

test('probe() runs its job in one fresh worker, which then serves the jobs that follow', async () => {
  const pool = createTrainerPool({ size: 4, backend: 'cpu' });
  try {
    const [probe, ...others] = await pool.probe(TINY_JOB);
    assert.equal(others.length, 0);
    assert.ok(probe?.ok, JSON.stringify(probe));
    assert.equal(probe.result.backend, 'cpu');
    const pids = pool.workerPids();
    assert.equal(started(pids), 1);
    const next = await pool.run(TINY_JOB);
    assert.equal(next.worker, probe.worker);
    assert.deepEqual(pool.workerPids(), pids);
  } finally {
    await pool.close();
  }
});

const gpuPackage = ((): boolean => {
  try {
    return createRequire(import.meta.url).resolve('@tensorflow/tfjs-node-gpu') !== '';
  } catch {
    return false;
  }
})();

test('a worker whose backend cannot start fails the probe with the reason, and leaves no process behind', { skip: gpuPackage && 'tfjs-node-gpu is installed here' }, async () => {
  const pool = createTrainerPool({ size: 2, backend: 'tensorflow-gpu' });
  try {
    const [probe] = await pool.probe(TINY_JOB);
    assert.ok(probe && !probe.ok);
    assert.match(probe.error, /could not start: backend 'tensorflow-gpu' is not available/);
    assert.equal(started(pool.workerPids()), 0);
  } finally {
    await pool.close();
  }
});
