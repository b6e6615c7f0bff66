import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createTrainingEvaluator, type BatchReport, type EvaluationRequest } from '../../src/evaluation/index.js';
import { createFakeEvaluator } from '../../src/evaluation/fake.js';
import { parseArch } from '../../src/space/index.js';
import type { BatchProgress, TrainerPool } from '../../src/trainer/types.js';

const ARCH = parseArch([{ type: 'C', num_output: 4, kernel_size: 3 }, { type: 'T' }]);
const REQUEST: EvaluationRequest = { trialId: 1, seq: 1, candidate: { kind: 'arch', arch: ARCH }, budget: { epochs: 2 }, seed: 3, attempt: 1 };

test('the training evaluator passes the trainer\'s progress on, with its backend (null when the trainer did not say)', async () => {
  const progress: BatchProgress = {
    epoch: 1, epochs: 2, batch: 3, batches: 10, images: 96, epochImages: 320, imagesPerSecond: 50, elapsedSeconds: 2, epochEtaSeconds: 4.5, runEtaSeconds: 10.9,
  };
  const pool: TrainerPool = {
    run: async (_job, hooks = {}) => {
      hooks.onProgress?.({ ...progress, backend: 'wasm with 2 threads' });
      hooks.onProgress?.(progress);
      return { ok: false, cause: 'error', error: 'stop here', worker: 'w0' };
    },
    close: async () => {},
  };
  const reports: BatchReport[] = [];
  const settings = { dataset: 'synthetic' as const, valFraction: 0.2, splitSeed: 5, batchSize: 32, learningRate: 0.01, optimizer: 'adam' as const };
  await createTrainingEvaluator(settings, pool).evaluate(REQUEST, { onProgress: (r) => reports.push(r) });
  assert.deepEqual(reports, [{ ...progress, backend: 'wasm with 2 threads' }, { ...progress, backend: null }]);
});

test('the fake evaluator reports progress inside its slow epochs, and scores exactly as without anyone watching', async () => {
  const problem = { input: [8, 8, 1] as [number, number, number], classes: 3 };
  const reports: BatchReport[] = [];
  const started = performance.now();
  const watched = await createFakeEvaluator(problem, 1200).evaluate(REQUEST, { onProgress: (r) => reports.push(r) });
  const seconds = (performance.now() - started) / 1000;
  const quick = await createFakeEvaluator(problem, 0).evaluate(REQUEST);
  assert.deepEqual(watched, quick);
  assert.ok(reports.length >= 2 && reports.length <= seconds / 0.5, `${reports.length} reports in ${seconds} s, at most one per 500 ms`);
  for (const r of reports) {
    assert.deepEqual([r.backend, r.batches, r.epochs, r.epochImages], ['fake', 10, 2, 320]);
    assert.ok(r.imagesPerSecond > 0 && r.imagesPerSecond <= 32 / 0.12 + 1e-9, String(r.imagesPerSecond));
  }
  assert.deepEqual([...new Set(reports.map((r) => r.epoch))], [1, 2]);
});
