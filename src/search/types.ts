/** The search's own contracts: what it is given, the policies around its loop, and the events it reports. */
import type { Diagnostics, Strategy } from '../controller/types.js';
import type { BatchReport, EpochReport, EvaluationBudget, Evaluator } from '../evaluation/types.js';
import type { DecisionProcess, ProblemSpec } from '../space/types.js';
import type { ExperimentRecord, ExperimentStatus, Store, TrialRecord } from '../store/index.js';
import type { FailurePolicy } from './policies/failures.js';
import type { TrialTarget } from './policies/target.js';
import type { RewardFunction } from './outcome.js';
import type { Pruner } from './pruners/types.js';

export interface StrategySource {
  create(): Strategy;
  restore(state: Uint8Array): Strategy;
}

/** The policies around the loop (NNI's middleware): the loop calls them, never the other way round. */
export interface SearchPolicies {
  target: TrialTarget;
  pruner: Pruner;
  failures: FailurePolicy;
  reward: RewardFunction;
  /** Serve an architecture evaluated before from its stored result (default true); off where a score changes over time (shared weights). */
  dedup?: boolean;
  /** Stop launching trials after this many seconds of this run; running ones finish. */
  timeLimitSeconds?: number;
}

/**
 * Points where the search has just made a state change durable (or is about to commit one): queued (a batch
 * was recorded), start (a trial was taken), epoch (an epoch was recorded, mid-trial), result (a trial result
 * was committed before its batch update), commit (inside the batch-update transaction, before COMMIT), told
 * (after the batch update was committed). Crash drills kill the process there.
 */
export type KillPoint = 'queued' | 'start' | 'epoch' | 'result' | 'commit' | 'told';
export type KillHook = (point: KillPoint) => void;

export interface SearchDeps {
  store: Store;
  experiment: ExperimentRecord;
  process: DecisionProcess;
  /** The input and classes that a candidate's cost is computed for. */
  problem: ProblemSpec;
  /** Proposals are asked for in the strategy's own batch size (its batchSize option). */
  strategies: StrategySource;
  evaluator: Evaluator;
  /** What every trial may spend, and its seed (same seq, same seed on a re-run). */
  budget: EvaluationBudget;
  seedOf: (seq: number) => number;
  policies: SearchPolicies;
  /** Trials evaluated at once. */
  concurrency: number;
  /** How long a trial's lease lasts without renewal (default 30 s). */
  leaseMs?: number;
  onEvent?: (event: SearchEvent) => void;
  /** Aborting it stops the search like Ctrl-C: running trials are cancelled and re-queued. */
  signal?: AbortSignal;
  killHook?: KillHook;
  /** The command that resumes this experiment (for messages). */
  resumeHint: string;
}

export interface SearchProgress {
  /** Trials with a final result (any status) out of the target. */
  done: number;
  target: number;
  /** Estimated seconds until the search ends, when there is enough to estimate from. */
  etaSeconds: number | null;
}

export type SearchEvent =
  | { type: 'start'; experiment: string; resumed: boolean; done: number; target: number; requeued: number; dbFile: string; timeLimitSeconds: number | null }
  | { type: 'trial-start'; seq: number; trialId: number; arch: string; hash: string; params: number | null; epochs: number; attempt: number }
  | ({ type: 'epoch'; seq: number; trialId: number; epochs: number; progress: SearchProgress } & EpochReport)
  /** Progress inside a trial's epoch (batches, images/s, ETAs), as often as the evaluator reports it. */
  | ({ type: 'progress'; seq: number; trialId: number; progress: SearchProgress } & BatchReport)
  | {
      type: 'trial-end';
      seq: number;
      trialId: number;
      status: TrialRecord['status'];
      reward: number;
      valAcc: number | null;
      params: number | null;
      seconds: number | null;
      error: string | null;
      duplicateOf: number | null;
      progress: SearchProgress;
    }
  | { type: 'update'; batch: number; trialsConsumed: number; diagnostics: Diagnostics }
  | { type: 'stopping'; reason: StopReason; message: string }
  | { type: 'end'; summary: SearchSummary };

export type StopReason = 'interrupted' | 'time-limit' | 'failures';

export interface SearchSummary {
  experiment: string;
  status: ExperimentStatus;
  message: string | null;
  target: number;
  finished: number;
  counts: Record<TrialRecord['status'], number>;
  duplicateRate: number;
  best: TrialRecord[];
  controllerUpdates: number;
  lastDiagnostics: Diagnostics | null;
  /** This run's wall time, and the experiment's over all its runs. */
  runSeconds: number;
  totalSeconds: number;
  /** The command that continues this experiment, when it is not finished. */
  resumeHint: string | null;
}
