import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseArch } from '../../src/space/index.js';
import { createTrainerPool } from '../../src/trainer/index.js';
import type { BatchProgress, EpochMetrics, TrainJob } from '../../src/trainer/types.js';
import { hyper } from './helpers.js';

describe('progress through the trainer pool', () => {
  let pool: ReturnType<typeof createTrainerPool>;
  before(() => {
    // The worker's test hook: every training step sleeps 120 ms, so one epoch of 8 steps lasts about a second.
    process.env.NAS_TEST_BATCH_DELAY_MS = '120';
    pool = createTrainerPool({ size: 1, backend: 'cpu' });
  });
  after(() => pool.close());

  it('relays the worker\'s progress inside each epoch, with the backend, before that epoch\'s end', async () => {
    const job: TrainJob = {
      arch: parseArch([{ type: 'C', num_output: 2, kernel_size: [3, 3], stride: [4, 4], activation: 'relu' }]),
      data: { dataset: 'synthetic', valFraction: 0.5, trainLimit: 64, splitSeed: 1, useTestSet: false },
      hyper: hyper({ epochs: 2, batchSize: 8 }),
    };
    const seen: (BatchProgress | EpochMetrics)[] = [];
    const outcome = await pool.run(job, { onEpoch: (m) => (seen.push(m), 'continue'), onProgress: (p) => seen.push(p) });
    assert.ok(outcome.ok, JSON.stringify(outcome));
    const progress = seen.filter((e): e is BatchProgress => 'batch' in e);
    assert.ok(progress.length >= 2, `${progress.length} progress reports`);
    for (const p of progress) {
      assert.equal(p.backend, 'cpu');
      assert.equal(p.batches, 8);
      assert.ok(p.batch >= 1 && p.batch <= 8);
      // Each step takes at least the hook's 120 ms: at most 8 images / 0.12 s.
      assert.ok(p.imagesPerSecond > 0 && p.imagesPerSecond <= 8 / 0.12 + 1e-9, `${p.imagesPerSecond}`);
    }
    // A report of epoch 1 comes before epoch 1's end, and none of epoch 1 after it.
    const firstEnd = seen.findIndex((e) => !('batch' in e));
    assert.ok(seen.slice(0, firstEnd).some((e) => 'batch' in e && e.epoch === 1));
    assert.ok(seen.slice(firstEnd).every((e) => !('batch' in e) || e.epoch === 2));
  });
});
