import type { EvaluationOutcome } from '../evaluation/types.js';
import type { TrialRecord, TrialResult } from '../store/index.js';

/** A reward from a validation accuracy and a parameter count (the objective). */
export type RewardFunction = (valAcc: number, params: number | null) => number;

/** The stored result of an evaluation outcome: a failure earns the failure reward and keeps what it measured. */
export function trialResult(trial: TrialRecord, outcome: EvaluationOutcome, seconds: number, reward: RewardFunction, failureReward: number): TrialResult {
  if (!outcome.metrics) {
    return { status: 'failed', reward: failureReward, error: outcome.status === 'failed' ? outcome.error : null, worker: outcome.worker, durationSeconds: seconds };
  }
  const m = outcome.metrics;
  const measured = {
    valAcc: m.valAcc,
    valLoss: m.valLoss,
    trainAcc: m.trainAcc,
    params: m.params ?? trial.params,
    epochsRun: m.epochsRun,
    durationSeconds: seconds,
    backend: m.backend,
    worker: outcome.worker,
  };
  if (outcome.status === 'failed') return { ...measured, status: 'failed', reward: failureReward, error: outcome.error };
  return { ...measured, status: outcome.status, reward: reward(m.valAcc, trial.params ?? m.params) };
}
