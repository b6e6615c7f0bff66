import { test } from 'node:test';
import assert from 'node:assert/strict';
import { trainingProgress, type TrainingProgressMode } from '../../src/cli/progress/training-progress.js';
import type { BatchProgress, EpochMetrics } from '../../src/trainer/types.js';
import { captured, manualClock, pace } from './helpers.js';

function progressOf(mode: TrainingProgressMode, tty = false) {
  const out = captured({ tty });
  const clock = manualClock();
  const shown = trainingProgress({ mode, epochs: 20, macsPerImage: 286e6, out, now: clock.now, intervalMs: 15_000 });
  return { out, clock, shown };
}

/** Batch `batch` of epoch 1 of 20 over 60k images at 38 images/s: about 8 h 46 min in all. */
function slow(batch: number): BatchProgress {
  const { backend, ...report } = pace({ epochs: 20, batch, batches: 938, epochImages: 60_000, imagesPerSecond: 38, elapsedSeconds: 2 * batch, epochEtaSeconds: 1500, runEtaSeconds: 31_000 });
  return { ...report, backend: backend ?? undefined };
}

const EPOCH: EpochMetrics = { epoch: 1, trainLoss: 0.5, trainAcc: 0.8, valLoss: NaN, valAcc: NaN, seconds: 1580, plannedEpochs: 20 };

test('off a terminal: an estimate once the pace settles, a progress line after 15 s of silence, and a line per epoch', () => {
  const { out, clock, shown } = progressOf('plain');
  clock.advance(5_000);
  shown.onProgress(slow(1));
  assert.equal(out.text(), '', 'neither an estimate from the first step nor a line within 15 s');
  clock.advance(5_000);
  shown.onProgress(slow(6));
  assert.equal(
    out.text(),
    'estimate: 286M MACs x 60k images x 20 epochs at 10.9G MAC/s (38 images/s) measured = about 8h46m of training on wasm with 2 threads: ' +
      'use a GPU backend, fewer --epochs or --train-limit\n',
  );
  clock.advance(14_000);
  shown.onProgress(slow(10));
  clock.advance(2_000);
  shown.onProgress(slow(11));
  shown.onEpoch(EPOCH);
  shown.stop();
  assert.deepEqual(out.text().split('\n').slice(1), [
    'epoch 1/20: batch 11/938, 38 img/s, epoch ETA 25m00s, run ETA 8h36m',
    'epoch 1/20: train loss 0.500, train acc 80.0%, 26m20s',
    '',
  ]);
});

test('with --json: the estimate and the thinned-out progress as JSON lines, no epoch lines (the result stays one object after them)', () => {
  const { out, clock, shown } = progressOf('json');
  for (let batch = 1; batch <= 40; batch++) {
    clock.advance(1_000);
    shown.onProgress(slow(batch));
  }
  shown.onEpoch(EPOCH);
  const lines = out.text().trim().split('\n').map((line) => JSON.parse(line) as { type: string; batch?: number; seconds?: number });
  assert.deepEqual(lines.map((l) => l.type), ['estimate', 'progress', 'progress']);
  assert.equal(Math.round(lines[0]!.seconds!), Math.round((60_000 * 20) / 38));
  // The estimate (at batch 6) was output too: the next progress comes 15 s after it.
  assert.deepEqual(lines.slice(1).map((l) => l.batch), [21, 36]);
});

test('on a terminal: a cli-progress bar of the epoch\'s batches with images/s and ETAs, cleared for the epoch line', () => {
  const { out, shown } = progressOf('tty', true);
  shown.onProgress(slow(300));
  assert.match(out.text(), /epoch 1\/20 \[[^\]]+\] 300\/938 batches \| 38 img\/s \| ETA 25m00s \(run 8h36m\)/);
  shown.onEpoch(EPOCH);
  shown.stop();
  assert.match(out.text(), /\x1b\[2Kepoch 1\/20: train loss 0\.500, train acc 80\.0%, 26m20s\n$/);
});
