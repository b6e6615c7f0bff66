/** The search's own contracts: its configuration, the evaluation step, and the events it reports. */
import type { Diagnostics, StrategyName } from '../controller/types.js';
import type { DatasetName } from '../data/types.js';
import type { SpaceDefinition } from '../space/types.js';
import type { TrialRecord, ExperimentStatus } from '../store/types.js';
import type { BackendName, EpochMetrics, RunHooks, TrainJob, TrainOutcome } from '../trainer/types.js';

export type Objective = 'accuracy' | 'cost';
export type PruneMode = 'median' | 'none';

/**
 * What defines an experiment: stored with it, and the same on every resume. Runtime choices that do not
 * change which architectures are proposed (concurrency, GPUs, time limit, output) are in RunOptions.
 */
export interface SearchConfig {
  dataset: DatasetName;
  dataDir?: string;
  labelMode?: string;
  /** The name or path the user gave, and the definition read from it (resume uses the stored one). */
  space: string;
  spaceDefinition: SpaceDefinition;
  strategy: StrategyName;
  /** Strategy options (e.g. batchSize): passed to the strategy as given. */
  strategyOptions: Record<string, number | string | boolean>;
  trials: number;
  seed: number;
  epochs: number;
  trainLimit?: number;
  /** At most this many validation examples per trial (default: in proportion to trainLimit). */
  valLimit?: number;
  valFraction: number;
  batchSize: number;
  learningRate: number;
  optimizer: 'adam' | 'sgd';
  objective: Objective;
  paramTarget: number;
  costWeight: number;
  maxParams?: number;
  /** Multiply-accumulates per image; the masks only propose ARCHs within it. */
  maxMacs?: number;
  prune: PruneMode;
  /** Completed trials (of earlier batches) needed before the median pruner acts. */
  pruneMinTrials: number;
  failureReward: number;
  maxConsecutiveFailures: number;
  backend: BackendName;
}

/** Choices of one run of an experiment that do not change its results. */
export interface RunOptions {
  concurrency: number;
  /** wasm threads in each worker. */
  threads?: number;
  /** Stop launching trials after this many seconds of this run; running ones finish. */
  timeLimitSeconds?: number;
}

/** The evaluation step: a trainer pool in production, a fake in tests. */
export interface Evaluator {
  run(job: TrainJob, hooks?: RunHooks): Promise<TrainOutcome>;
  close(): Promise<void>;
}

export interface SearchProgress {
  /** Trials with a final result (any status) out of the target. */
  done: number;
  target: number;
  /** Estimated seconds until the search ends, when there is enough to estimate from. */
  etaSeconds: number | null;
}

export type SearchEvent =
  | { type: 'start'; experiment: string; resumed: boolean; done: number; target: number; requeued: number; dbFile: string }
  | { type: 'trial-start'; seq: number; trialId: number; arch: string; hash: string; params: number | null; epochs: number; attempt: number }
  | ({ type: 'epoch'; seq: number; trialId: number; epochs: number; progress: SearchProgress } & EpochMetrics)
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
