import pLimit from 'p-limit';
import { FINISHED_STATUSES, type TrialRecord, type TrialResult } from '../store/index.js';
import type { RunContext } from './context.js';
import { BatchDedup, duplicateResult } from './policies/dedup.js';
import { runTrial, type Settled } from './trial-runner.js';

/**
 * Evaluates the unfinished trials of a batch, `concurrency` at a time. Each result is committed as it arrives,
 * except the last one, which is held back for the batch commit (with the strategy's update). Returns the held
 * results, or null when the search stopped before the batch was complete.
 */
export async function evaluateBatch(ctx: RunContext, batch: TrialRecord[]): Promise<Map<number, TrialResult> | null> {
  const { store } = ctx.deps;
  const limit = pLimit(Math.max(1, ctx.deps.concurrency));
  const held = new Map<number, TrialResult>();
  let outstanding = batch.filter((t) => !FINISHED_STATUSES.includes(t.status)).length;
  const settle = (trial: TrialRecord, result: TrialResult): TrialResult => {
    outstanding -= 1;
    if (outstanding === 0) held.set(trial.id, result);
    else {
      store.trials.finish(trial.id, result);
      ctx.kill('result');
    }
    const trained = result.status !== 'failed' && result.status !== 'duplicate';
    ctx.progress.finished(trained ? (result.durationSeconds ?? null) : null);
    emitTrialEnd(ctx, trial, result);
    return result;
  };

  const dedup = new BatchDedup((hash, seq) => store.trials.evaluatedByHash(ctx.deps.experiment.id, hash, seq), ctx.deps.policies.dedup ?? true);
  const pending: Promise<Settled>[] = [];
  for (const trial of batch) {
    if (FINISHED_STATUSES.includes(trial.status)) continue;
    const source = dedup.sourceOf(trial);
    if (source?.kind === 'stored') {
      pending.push(Promise.resolve(settle(trial, duplicateResult(source.original.seq, source.original))));
    } else if (source?.kind === 'in-batch') {
      pending.push(source.result.then((result) => result && settle(trial, duplicateResult(source.seq, result))));
    } else {
      const evaluation = limit(async () => {
        const result = await runTrial(ctx, trial);
        return result && settle(trial, result);
      });
      dedup.track(trial, evaluation);
      pending.push(evaluation);
    }
  }
  try {
    const settled = await Promise.all(pending);
    return settled.every((result) => result !== null) ? held : null;
  } catch (error) {
    // An internal error (not a failed trial): launch nothing more; what is committed stays resumable.
    ctx.broken = true;
    limit.clearQueue();
    throw error;
  }
}

function emitTrialEnd(ctx: RunContext, trial: TrialRecord, result: TrialResult): void {
  ctx.emit({
    type: 'trial-end',
    seq: trial.seq,
    trialId: trial.id,
    status: result.status,
    reward: result.reward,
    valAcc: result.valAcc ?? null,
    params: result.params ?? trial.params,
    seconds: result.durationSeconds ?? null,
    error: result.error ?? null,
    duplicateOf: result.duplicateOf ?? null,
    progress: ctx.progress.now(),
  });
}
