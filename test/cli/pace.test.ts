import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compact, paceText, progressIntervalMs, searchEstimate, settled, trainingEstimate } from '../../src/cli/progress/pace.js';
import { pace } from './helpers.js';

test('progress lines off a terminal come every 15 s, or every $NAS_PROGRESS_INTERVAL seconds', () => {
  assert.equal(progressIntervalMs({}), 15_000);
  assert.equal(progressIntervalMs({ NAS_PROGRESS_INTERVAL: '2' }), 2000);
  assert.equal(progressIntervalMs({ NAS_PROGRESS_INTERVAL: '0.25' }), 250);
  assert.equal(progressIntervalMs({ NAS_PROGRESS_INTERVAL: 'soon' }), 15_000);
  assert.equal(progressIntervalMs({ NAS_PROGRESS_INTERVAL: '' }), 15_000);
  assert.equal(progressIntervalMs({ NAS_PROGRESS_INTERVAL: '-1' }), 15_000);
});

test('a pace is trusted for an estimate after 6 steps and 10 s of training, after the first epoch, or at an epoch end', () => {
  assert.equal(settled(pace({ batch: 5, elapsedSeconds: 60 })), false);
  assert.equal(settled(pace({ batch: 40, elapsedSeconds: 9 })), false);
  assert.equal(settled(pace({ batch: 6, elapsedSeconds: 10 })), true);
  assert.equal(settled(pace({ epoch: 2, batch: 1, elapsedSeconds: 1 })), true);
  assert.equal(settled(pace({ batch: 2, batches: 2, elapsedSeconds: 1 })), true);
});

test('the line inside an epoch names batches, images/s and ETAs (the run ETA only while epochs remain)', () => {
  assert.equal(paceText(pace()), 'batch 30/100, 400 img/s, epoch ETA 5.6s, run ETA 13.6s');
  assert.equal(paceText(pace({ epoch: 2, imagesPerSecond: 7.46, epochEtaSeconds: 4000 })), 'batch 30/100, 7.5 img/s, epoch ETA 1h06m');
});

test('a full training is estimated as MACs x images x epochs at the measured speed', () => {
  const estimate = trainingEstimate(pace({ epochImages: 60_000, epochs: 20, imagesPerSecond: 38 }), 286e6)!;
  assert.equal(estimate.seconds, (60_000 * 20) / 38);
  assert.equal(
    estimate.message,
    'estimate: 286M MACs x 60k images x 20 epochs at 10.9G MAC/s (38 images/s) measured = about 8h46m of training on wasm with 2 threads: ' +
      'use a GPU backend, fewer --epochs or --train-limit',
  );
  assert.match(trainingEstimate(pace({ epochs: 1, backend: null }), null)!.message, /^estimate: 3\.2k images x 1 epoch at 400 images\/s measured = about 8\.0s of training: /);
  assert.equal(trainingEstimate(pace({ batch: 2 }), 286e6), null, 'not from the warm-up');
  const limited = trainingEstimate(pace({ epochImages: 60_000, epochs: 20, imagesPerSecond: 38 }), 286e6, 4800)!;
  assert.equal(limited.seconds, 4800);
  assert.match(limited.message, /= about 8h46m of training on wasm with 2 threads, cut to 1h20m by --time-limit$/);
});

test('a search is estimated from a trial\'s pace: its length times the trials left, over the trials run at once', () => {
  // 12 s done + 13.6 s to go: 25.6 s a trial; 100 trials, 2 at a time.
  const estimate = searchEstimate(pace(), 3, 100, 2)!;
  assert.ok(Math.abs(estimate.seconds - 1280) < 1e-9);
  assert.equal(
    estimate.message,
    'estimate: about 21m20s for the 100 trials left at the pace of trial 3 (25.6s each on wasm with 2 threads, 2 at a time): use a GPU backend or --max-macs',
  );
  assert.equal(searchEstimate(pace(), 3, 0, 2), null);
});

test('compact numbers keep three significant digits', () => {
  assert.deepEqual([compact(286_000_000), compact(1_234_567_890), compact(60_000), compact(999), compact(12.345)], ['286M', '1.23G', '60k', '999', '12.3']);
});
