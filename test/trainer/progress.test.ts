import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseArch } from '../../src/space/index.js';
import { buildModel, trainModel, type TrainingData } from '../../src/trainer/index.js';
import { ProgressMeter } from '../../src/trainer/train/progress.js';
import type { BatchProgress } from '../../src/trainer/types.js';
import { allIndices, hyper, learnableImages, unitNorm, useCpu } from './helpers.js';

/** A clock the test moves by hand. */
function manualClock(): { now: () => number; advance: (ms: number) => void } {
  let t = 1000;
  return { now: () => t, advance: (ms) => (t += ms) };
}

describe('ProgressMeter', () => {
  it('reports at most once per interval, however many steps come in between', () => {
    const clock = manualClock();
    const meter = new ProgressMeter(100, 3200, { intervalMs: 500, now: clock.now });
    meter.startEpoch();
    const reported: number[] = [];
    for (let step = 1; step <= 40; step++) {
      clock.advance(100);
      const report = meter.step(1, 1, 32);
      if (report) reported.push(report.batch);
    }
    // 100 ms a step, a report every 500 ms: steps 5, 10, ..., 40.
    assert.deepEqual(reported, [5, 10, 15, 20, 25, 30, 35, 40]);
  });

  it('reports every step when steps are slower than the interval', () => {
    const clock = manualClock();
    const meter = new ProgressMeter(4, 128, { intervalMs: 500, now: clock.now });
    meter.startEpoch();
    const batches = [1, 2, 3].map(() => (clock.advance(2000), meter.step(1, 1, 32)?.batch));
    assert.deepEqual(batches, [1, 2, 3]);
  });

  it('takes the pace after the first step (warm-up), and projects it over the epoch and the run', () => {
    const clock = manualClock();
    const meter = new ProgressMeter(10, 320, { intervalMs: 0, now: clock.now });
    meter.startEpoch();
    clock.advance(5000); // the first step: warm-up, slow
    const first = meter.step(1, 3, 32)!;
    assert.equal(first.imagesPerSecond, 32 / 5);
    assert.equal(first.epochEtaSeconds, 9 * 5);
    clock.advance(1000);
    meter.step(1, 3, 32);
    clock.advance(1000);
    const third = meter.step(1, 3, 32)!;
    // Two steps of 1 s after the first: 32 images/s, 7 steps left in this epoch and 2 more epochs of 10.
    assert.deepEqual(
      { ...third, elapsedSeconds: undefined },
      { epoch: 1, epochs: 3, batch: 3, batches: 10, images: 96, epochImages: 320, imagesPerSecond: 32, elapsedSeconds: undefined, epochEtaSeconds: 7, runEtaSeconds: 7 + 20 },
    );
    assert.equal(third.elapsedSeconds, 7);
  });

  it('takes the pace from the latter half of the steps, so a slow start fades out of it', () => {
    const clock = manualClock();
    const meter = new ProgressMeter(10, 320, { intervalMs: 0, now: clock.now });
    meter.startEpoch();
    const reports = [5000, 3000, 3000, 1000, 1000, 1000].map((ms) => (clock.advance(ms), meter.step(1, 1, 32)!));
    // Batch 6: steps 4 to 6, 1 s each.
    assert.equal(reports[5]!.imagesPerSecond, 32);
    assert.equal(reports[5]!.epochEtaSeconds, 4);
    // Batch 4: steps 3 and 4, 4 s for 64 images.
    assert.equal(reports[3]!.imagesPerSecond, 16);
  });

  it('starts each epoch afresh: batches count from 1 and the last epoch has no run ETA beyond its own', () => {
    const clock = manualClock();
    const meter = new ProgressMeter(4, 128, { intervalMs: 0, now: clock.now });
    for (const epoch of [1, 2]) {
      meter.startEpoch();
      for (let step = 1; step <= 4; step++) {
        clock.advance(250);
        const report = meter.step(epoch, 2, 32)!;
        assert.equal(report.batch, step);
        assert.equal(report.images, 32 * step);
        if (epoch === 2) assert.equal(report.runEtaSeconds, report.epochEtaSeconds);
      }
    }
  });
});

describe('trainModel progress', () => {
  before(useCpu);

  const arch = parseArch([{ type: 'C', num_output: 4, kernel_size: [3, 3], stride: [2, 2], activation: 'relu' }, { type: 'FC', num_output: 8 }]);
  const data = (): TrainingData => {
    const set = learnableImages(64, [8, 8, 1], 3);
    return { train: { set, indices: allIndices(64) }, val: { set, indices: allIndices(64) }, norm: unitNorm(1), classes: 3 };
  };
  const train = async (onProgress?: (p: BatchProgress) => void, onStep?: () => void) => {
    const model = buildModel(arch, [8, 8, 1], 3, { seed: 1 });
    try {
      return await trainModel(model, data(), hyper({ epochs: 2, batchSize: 8 }), { onProgress, onStep });
    } finally {
      model.dispose();
    }
  };

  it('reports batches of the epoch with a pace, throttled, and trains exactly as without it', async () => {
    const reports: BatchProgress[] = [];
    // 80 ms a step (a slow epoch): 16 steps, over 1.3 s, so a few reports, at most one every 500 ms.
    const slow = (): void => void Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 80);
    const started = performance.now();
    const watched = await train((p) => reports.push(p), slow);
    const seconds = (performance.now() - started) / 1000;
    const plain = await train();
    assert.deepEqual(watched.history.map((h) => [h.trainLoss, h.valLoss]), plain.history.map((h) => [h.trainLoss, h.valLoss]));
    assert.ok(reports.length >= 1 && reports.length <= seconds / 0.5, `${reports.length} reports in ${seconds} s`);
    for (const r of reports) {
      assert.equal(r.batches, 8);
      assert.equal(r.epochs, 2);
      assert.equal(r.epochImages, 64);
      assert.ok(r.batch >= 1 && r.batch <= 8);
      assert.ok(r.imagesPerSecond > 0 && r.imagesPerSecond < 8 / 0.08 + 1, `${r.imagesPerSecond} images/s`);
      assert.ok(r.runEtaSeconds >= r.epochEtaSeconds);
    }
  });
});
