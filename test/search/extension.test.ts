import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import type { EvaluationRequest, Evaluator } from '../../src/evaluation/types.js';
import type { Pruner } from '../../src/search/index.js';
import { search, storedTrials, tmpDir } from './helpers.js';

/** Scores a candidate by its decisions, one epoch at a time, honouring the pruner: no training at all. */
function toyEvaluator(): Evaluator & { requests: EvaluationRequest[] } {
  const requests: EvaluationRequest[] = [];
  return {
    requests,
    async evaluate(request, hooks = {}) {
      requests.push(request);
      const decisions = JSON.stringify(request.candidate.arch).length;
      const final = 0.5 + (decisions % 37) / 100;
      for (let epoch = 1; epoch <= request.budget.epochs; epoch++) {
        const valAcc = (final * epoch) / request.budget.epochs;
        const metrics = { valAcc, valLoss: 1 - valAcc, trainAcc: valAcc, params: 42, epochsRun: epoch, backend: 'toy' };
        const verdict = await hooks.onEpoch?.({ epoch, trainLoss: 1 - valAcc, trainAcc: valAcc, valLoss: 1 - valAcc, valAcc, seconds: 0 });
        if (verdict === 'prune') return { status: 'pruned', metrics, worker: 'toy' };
        if (epoch === request.budget.epochs) return { status: 'completed', metrics, worker: 'toy' };
      }
      throw new Error('a budget has at least one epoch');
    },
    async close() {},
  };
}

/** Prunes every trial with an odd sequence number after its first epoch. */
const oddPruner: Pruner = {
  name: 'odd',
  shouldPrune: (trial, report) => trial.seq % 2 === 1 && report.epoch === 1,
};

test('a toy pruner and a toy evaluator from outside src/search run a whole search through the unchanged loop', async () => {
  const db = path.join(tmpDir(), 'toy.db');
  const evaluator = toyEvaluator();
  const run = await search(db, { strategy: 'random', trials: 10, epochs: 3, controllerBatch: 5 }, { pruner: oddPruner, createEvaluator: () => evaluator });
  assert.equal(run.summary.status, 'completed');
  const trials = storedTrials(db);
  assert.equal(trials.length, 10);
  const trained = trials.filter((t) => t.status !== 'duplicate');
  assert.equal(evaluator.requests.length, trained.length, 'every trained trial went through the toy evaluator');
  for (const trial of trained) {
    const expected = trial.seq % 2 === 1 ? ['pruned', 1] : ['completed', 3];
    assert.deepEqual([trial.status, trial.epochsRun], expected, `trial ${trial.seq}`);
    assert.equal(trial.backend, 'toy');
  }
  for (const request of evaluator.requests) assert.deepEqual(request.budget.epochs, 3);
});
