/**
 * `replay()`: a searched trial trained from scratch on training + validation data, tested once on the test set,
 * saved as a self-describing model and recorded in the results database; the library's replay and the one
 * `nas replay` runs. Run again after an interruption, it continues from its last epoch.
 */
import { checkReplayData } from '../app/custom-data.js';
import { replayRequestOf, trainFully, type FullTraining } from '../app/full-training.js';
import { checkStoredArch } from '../app/stored-trial.js';
import { isArrayData, storeArrayData, type ArrayData } from '../data/custom/arrays.js';
import { TrainingError } from '../errors.js';
import { DEFAULT_DB_FILE, Store, type ReplayRecord } from '../store/index.js';
import type { BatchProgress, EpochMetrics, TrainResult } from '../trainer/types.js';
import { checkTrainingSettings, type TrainingSettings } from './training-settings.js';

export interface ReplayInput extends TrainingSettings {
  /** The trial: its id (see best()), or 'EXPERIMENT:SEQ'. */
  trial: number | string;
  /** Results database (default: results.db). */
  db?: string;
  /** Where the experiment's own data is now, if it moved (it must hold the same content); arrays: the same arrays again. */
  dataset?: string | ArrayData;
  signal?: AbortSignal;
  /** Called once the data is checked, before training: what is trained, on what. */
  onStart?: (plan: ReplayPlan) => void;
  /** Called when a checkpoint of this same training holds `epochsDone` epochs, which are not trained again. */
  onResume?: (epochsDone: number) => void;
  onEpoch?: (metrics: EpochMetrics) => void;
  /** Progress inside an epoch (batches, images/s, ETAs), a few times a second at most. */
  onProgress?: (progress: BatchProgress) => void;
}

export interface ReplayPlan {
  trialId: number;
  experiment: string;
  training: FullTraining;
  /** The summary line of the user's own data (absent for a shipped dataset). */
  dataSummary?: string;
}

export interface ReplayResult {
  replay: ReplayRecord;
  result: TrainResult;
  /** Epochs a checkpoint already held when this call started (0: trained from the start). */
  resumedAfterEpoch: number;
  dbFile: string;
}

/** Trains the trial fully. A training that fails (NaN loss, a crashed worker, an interruption) rejects with a TrainingError. */
export async function replay(input: ReplayInput): Promise<ReplayResult> {
  const settings = checkTrainingSettings(input);
  const dbFile = input.db ?? DEFAULT_DB_FILE;
  const store = Store.open(dbFile, { create: false });
  try {
    const trial = store.findTrial(String(input.trial));
    const experiment = store.experiments.byId(trial.experimentId)!;
    checkStoredArch(trial, experiment.config);
    const movedTo = isArrayData(input.dataset) ? await storeArrayData(input.dataset, (experiment.config as { dataDir?: string }).dataDir) : input.dataset;
    const data = await checkReplayData(replayRequestOf(trial, experiment, settings), experiment.name, movedTo);
    input.onStart?.({ trialId: trial.id, experiment: experiment.name, training: data.request, ...(data.summary ? { dataSummary: data.summary } : {}) });
    let resumedAfterEpoch = 0;
    const outcome = await trainFully(store, trial.id, {
      ...data.request,
      signal: input.signal,
      onEpoch: input.onEpoch,
      onProgress: input.onProgress,
      onResume: (done) => ((resumedAfterEpoch = done), input.onResume?.(done)),
    });
    if (!outcome.ok) throw new TrainingError(outcome.error);
    return { replay: outcome.replay, result: outcome.result, resumedAfterEpoch, dbFile };
  } finally {
    store.close();
  }
}
