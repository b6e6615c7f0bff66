import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createTrainingEvaluator, type EvaluationRequest, type TrainingSettings } from '../../src/evaluation/index.js';
import { parseArch } from '../../src/space/index.js';
import type { RunHooks, TrainerPool, TrainJob, TrainOutcome, TrainResult } from '../../src/trainer/types.js';

const SETTINGS: TrainingSettings = { dataset: 'synthetic', valFraction: 0.2, splitSeed: 5, batchSize: 16, learningRate: 0.01, optimizer: 'sgd' };
const ARCH = parseArch([{ type: 'C', num_output: 4, kernel_size: 3 }, { type: 'T' }]);

function request(overrides: Partial<EvaluationRequest> = {}): EvaluationRequest {
  return { trialId: 3, seq: 2, candidate: { kind: 'arch', arch: ARCH }, budget: { epochs: 2, trainLimit: 100, valLimit: 40 }, seed: 77, attempt: 1, ...overrides };
}

/** A pool that records the jobs it is given and answers with `answer`. */
function pool(answer: (job: TrainJob, hooks: RunHooks) => Promise<TrainOutcome>): TrainerPool & { jobs: TrainJob[] } {
  const jobs: TrainJob[] = [];
  return { jobs, run: (job, hooks = {}) => (jobs.push(job), answer(job, hooks)), close: async () => {} };
}

function trained(overrides: Partial<TrainResult> = {}): TrainOutcome {
  const result: TrainResult = { status: 'completed', history: [], valAcc: 0.5, valLoss: 1.2, trainAcc: 0.6, epochs: 2, params: 1234, backend: 'cpu', seconds: 1, imagesPerSecond: 10, ...overrides };
  return { ok: true, result, worker: 'w0' };
}

test('a request becomes a trainer job: its budget, its seed, the experiment data and optimiser, never the test set', async () => {
  const trainer = pool(async () => trained());
  const outcome = await createTrainingEvaluator(SETTINGS, trainer).evaluate(request());
  const job = trainer.jobs[0]!;
  assert.deepEqual(job.arch, ARCH);
  assert.deepEqual(
    [job.data.dataset, job.data.trainLimit, job.data.valLimit, job.data.valFraction, job.data.splitSeed, job.data.useTestSet],
    ['synthetic', 100, 40, 0.2, 5, false],
  );
  assert.deepEqual([job.hyper.epochs, job.hyper.seed, job.hyper.batchSize, job.hyper.learningRate, job.hyper.optimizer, job.hyper.schedule], [2, 77, 16, 0.01, 'sgd', 'constant']);
  assert.deepEqual(outcome, { status: 'completed', worker: 'w0', metrics: { valAcc: 0.5, valLoss: 1.2, trainAcc: 0.6, params: 1234, epochsRun: 2, backend: 'cpu' } });
});

test("the experiment's schedule reaches every job; settings without one train at a constant rate", async () => {
  const trainer = pool(async () => trained());
  await createTrainingEvaluator({ ...SETTINGS, schedule: 'cosine' }, trainer).evaluate(request());
  await createTrainingEvaluator({ ...SETTINGS, schedule: 'constant' }, trainer).evaluate(request());
  assert.deepEqual(trainer.jobs.map((job) => job.hyper.schedule), ['cosine', 'constant']);
});

test('epoch reports and pruning verdicts pass through to the trainer', async () => {
  const trainer = pool(async (_job, hooks) => {
    const verdict = await hooks.onEpoch?.({ epoch: 1, trainLoss: 1, trainAcc: 0.3, valLoss: 1, valAcc: 0.3, seconds: 0.1 });
    return trained({ status: verdict === 'prune' ? 'pruned' : 'completed', epochs: 1 });
  });
  const seen: number[] = [];
  const outcome = await createTrainingEvaluator(SETTINGS, trainer).evaluate(request(), { onEpoch: (report) => (seen.push(report.valAcc), 'prune') });
  assert.deepEqual(seen, [0.3]);
  assert.equal(outcome.status, 'pruned');
});

test('a worker failure and a NaN loss are failed outcomes (values, not exceptions); a NaN keeps what it measured', async () => {
  const crashed = await createTrainingEvaluator(SETTINGS, pool(async () => ({ ok: false, cause: 'oom', error: 'out of memory', worker: 'w1' }))).evaluate(request());
  assert.deepEqual(crashed, { status: 'failed', error: 'oom: out of memory', worker: 'w1' });
  const nan = await createTrainingEvaluator(SETTINGS, pool(async () => trained({ status: 'nan', valAcc: Number.NaN, epochs: 1 }))).evaluate(request());
  assert.equal(nan.status, 'failed');
  assert.equal(nan.status === 'failed' && nan.error, 'the loss became NaN after epoch 1; training stopped');
  assert.equal(nan.metrics?.epochsRun, 1);
});

test('a cell candidate is a failed outcome, not a crash of the search', async () => {
  const trainer = pool(async () => trained());
  const outcome = await createTrainingEvaluator(SETTINGS, trainer).evaluate(request({ candidate: { kind: 'cell', arch: '|none~0|' } }));
  assert.equal(outcome.status, 'failed');
  assert.equal(trainer.jobs.length, 0);
});
