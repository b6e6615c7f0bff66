import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseArch } from '../../src/space/index.js';
import os from 'node:os';
import { createTrainerPool, threadsPerWorker } from '../../src/trainer/index.js';
import type { EpochMetrics, TrainJob } from '../../src/trainer/types.js';
import { hyper } from './helpers.js';

/** A very small trial on the synthetic dataset: 1 epoch over a handful of images. */
function tinyJob(overrides: Partial<TrainJob['hyper']> = {}, layers: object[] = [{ type: 'C', num_output: 2, kernel_size: [3, 3], stride: [4, 4], activation: 'relu', drop_out: 10 }]): TrainJob {
  return {
    arch: parseArch(layers),
    data: { dataset: 'synthetic', valFraction: 0.5, trainLimit: 16, splitSeed: 1, useTestSet: false },
    hyper: hyper({ epochs: 1, batchSize: 8, ...overrides }),
  };
}

describe('createTrainerPool', () => {
  let pool: ReturnType<typeof createTrainerPool>;
  before(() => {
    pool = createTrainerPool({ size: 1, backend: 'cpu' });
  });
  after(() => pool.close());

  it('runs a trial in a worker, relaying every epoch to the hook', async () => {
    const epochs: EpochMetrics[] = [];
    const outcome = await pool.run(tinyJob({ epochs: 3 }), { onEpoch: (m) => (epochs.push(m), 'continue') });
    assert.ok(outcome.ok, JSON.stringify(outcome));
    assert.equal(outcome.result.status, 'completed');
    assert.deepEqual(epochs.map((m) => m.epoch), [1, 2, 3]);
    assert.deepEqual(outcome.result.history, epochs);
    assert.equal(outcome.result.backend, 'cpu');
    assert.equal(outcome.worker, 'w0#1');
  });

  it('stops a trial whose epoch hook throws, and hands the caller that error instead of a pruned result', async () => {
    const failure = new Error('the database is full');
    let calls = 0;
    const run = pool.run(tinyJob({ epochs: 4 }), {
      onEpoch: () => {
        calls += 1;
        throw failure;
      },
    });
    await assert.rejects(run, (error) => error === failure);
    assert.equal(calls, 1, 'no epoch after the failing one');
    const next = await pool.run(tinyJob());
    assert.ok(next.ok, 'the worker serves the next trial');
  });

  it("stops a trial whose hook answers 'prune'", async () => {
    const outcome = await pool.run(tinyJob({ epochs: 4 }), { onEpoch: (m) => (m.epoch === 2 ? 'prune' : 'continue') });
    assert.ok(outcome.ok);
    assert.equal(outcome.result.status, 'pruned');
    assert.equal(outcome.result.epochs, 2);
  });

  it('runs 50 consecutive trials in one worker, each leaving the tensor count at its starting value', async () => {
    const workers = new Set<string>();
    for (let i = 0; i < 50; i++) {
      const outcome = await pool.run(tinyJob({ seed: i + 1 }));
      assert.ok(outcome.ok, JSON.stringify(outcome));
      assert.equal(outcome.result.leakedTensors, 0, `trial ${i}`);
      workers.add(outcome.worker);
    }
    assert.equal(workers.size, 1, [...workers].join());
  });

  it('fails a trial whose worker is killed mid-trial, with the cause, and replaces the worker', async () => {
    const [pid] = pool.workerPids();
    const outcome = await pool.run(tinyJob({ epochs: 50 }), {
      onEpoch: () => {
        process.kill(pid as number, 'SIGKILL');
        return 'continue';
      },
    });
    assert.equal(outcome.ok, false);
    assert.ok(!outcome.ok);
    assert.equal(outcome.cause, 'crash');
    assert.match(outcome.error, /SIGKILL/);
    const next = await pool.run(tinyJob());
    assert.ok(next.ok, JSON.stringify(next));
    assert.notEqual(next.worker, outcome.worker);
    assert.notEqual(pool.workerPids()[0], pid);
  });

  it('replaces a worker that dies between trials', async () => {
    const [pid] = pool.workerPids();
    process.kill(pid as number, 'SIGKILL');
    while (pool.workerPids()[0] === pid) await new Promise((resolve) => setTimeout(resolve, 20));
    const outcome = await pool.run(tinyJob());
    assert.ok(outcome.ok, JSON.stringify(outcome));
  });

  it('fails an ARCH too large for memory with cause oom, and the pool goes on', async () => {
    const outcome = await pool.run(tinyJob({}, [{ type: 'FC', num_output: 40_000_000, activation: 'relu' }]));
    assert.ok(!outcome.ok);
    assert.equal(outcome.cause, 'oom');
    assert.match(outcome.error, /array length|memory/i);
    const next = await pool.run(tinyJob());
    assert.ok(next.ok, JSON.stringify(next));
  });

  it('fails a trial with a bad ARCH as an error without losing the worker', async () => {
    const job = tinyJob();
    (job.arch[0] as { skip_from: number | null }).skip_from = -1;
    const outcome = await pool.run(job);
    assert.ok(!outcome.ok);
    assert.equal(outcome.cause, 'error');
    assert.match(outcome.error, /skip_from/);
    const next = await pool.run(tinyJob());
    assert.equal(next.worker, outcome.worker);
  });

  it('stops the worker of an aborted trial and reports it', async () => {
    const controller = new AbortController();
    const outcome = await pool.run(tinyJob({ epochs: 50 }), {
      signal: controller.signal,
      onEpoch: () => (controller.abort(), 'continue'),
    });
    assert.ok(!outcome.ok);
    assert.equal(outcome.cause, 'error');
    assert.match(outcome.error, /aborted/);
    assert.ok((await pool.run(tinyJob())).ok);
  });
});

describe('createTrainerPool, a trial aborted while its worker starts', () => {
  it('fails at once instead of training to its end', async () => {
    const pool = createTrainerPool({ size: 1, backend: 'cpu' });
    try {
      const controller = new AbortController();
      const epochs: number[] = [];
      const running = pool.run(tinyJob({ epochs: 200 }), { signal: controller.signal, onEpoch: (m) => (epochs.push(m.epoch), 'continue') });
      while (pool.workerPids()[0] === undefined) await new Promise((resolve) => setImmediate(resolve));
      controller.abort();
      const outcome = await running;
      assert.ok(!outcome.ok, 'the trial did not train');
      assert.match(outcome.error, /aborted/);
      assert.deepEqual(epochs, []);
      assert.ok((await pool.run(tinyJob())).ok, 'the worker serves the next trial');
    } finally {
      await pool.close();
    }
  });
});

describe('createTrainerPool with a small heap', () => {
  it('fails a trial that exhausts the JavaScript heap with cause oom, and replaces the worker', async () => {
    const pool = createTrainerPool({ size: 1, backend: 'cpu', execArgv: ['--max-old-space-size=32'] });
    try {
      // 1,500 dense layers: the model graph alone outgrows a 32 MB heap.
      const deep = Array.from({ length: 1500 }, () => ({ type: 'FC', num_output: 2, activation: 'relu' }));
      const outcome = await pool.run(tinyJob({}, deep));
      assert.ok(!outcome.ok);
      assert.equal(outcome.cause, 'oom', outcome.error);
      assert.match(outcome.error, /heap out of memory/);
      const next = await pool.run(tinyJob());
      assert.ok(next.ok, JSON.stringify(next));
      assert.equal(next.worker, 'w0#2');
    } finally {
      await pool.close();
    }
  });
});

describe('createTrainerPool with GPUs', () => {
  it('starts one worker per GPU, named after it, whatever the size', async () => {
    const pool = createTrainerPool({ size: 3, backend: 'cpu', gpus: ['5'] });
    try {
      assert.equal(pool.workerPids().length, 1);
      const outcome = await pool.run(tinyJob());
      assert.ok(outcome.ok, JSON.stringify(outcome));
      assert.equal(outcome.worker, 'gpu5#1');
    } finally {
      await pool.close();
    }
  });
});

describe('threadsPerWorker', () => {
  it('shares the cores out between the workers, at least one thread each', () => {
    const cores = os.availableParallelism();
    assert.equal(threadsPerWorker(1), cores);
    assert.equal(threadsPerWorker(2), Math.max(1, Math.floor(cores / 2)));
    assert.equal(threadsPerWorker(cores * 3), 1);
  });
});
