/**
 * `openResults()`: a results database read-only, as `nas best`, `nas trials` and the dashboard read it. Nothing is
 * written and no migration runs, so it is safe beside a running search; each call sees the latest commit.
 */
import { DEFAULT_DB_FILE, Store, type EpochRecord, type ExperimentRecord, type ExperimentSummary, type ReplayRecord, type TrialRecord } from '../store/index.js';

export interface Results {
  readonly file: string;
  /** Every experiment, oldest first, with its trial counts and best reward. */
  experiments(): ExperimentSummary[];
  /** The named experiment (default: the latest); a StoreError when there is none. */
  experiment(name?: string): ExperimentRecord;
  /** The experiment's (default: the latest) best finished trials by reward, best first (default: 5). */
  best(options?: { experiment?: string; top?: number }): TrialRecord[];
  /** Every trial of the experiment (default: the latest), in sequence order. */
  trials(experiment?: string): TrialRecord[];
  /** A trial by id, or by 'EXPERIMENT:SEQ'; a StoreError when there is none. */
  trial(reference: number | string): TrialRecord;
  /** A trial's per-epoch metrics. */
  epochs(trialId: number): EpochRecord[];
  /** A trial's full trainings (replay()), oldest first. */
  replays(trialId: number): ReplayRecord[];
  close(): void;
}

/** Opens `file` (default: results.db) read-only; a missing, foreign or newer database is a StoreError. */
export function openResults(file: string = DEFAULT_DB_FILE): Results {
  const store = Store.openReadOnly(file);
  return {
    file,
    experiments: () => store.experiments.list(),
    experiment: (name) => store.findExperiment(name),
    best: (options = {}) => store.trials.top(store.findExperiment(options.experiment).id, options.top ?? 5),
    trials: (experiment) => store.trials.list(store.findExperiment(experiment).id),
    trial: (reference) => store.findTrial(String(reference)),
    epochs: (trialId) => store.trials.epochs(trialId),
    replays: (trialId) => store.replays.forTrial(trialId),
    close: () => store.close(),
  };
}
