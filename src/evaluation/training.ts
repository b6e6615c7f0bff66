import type { DatasetDescriptor } from '../data/custom/types.js';
import type { HyperParams, RunHooks, TrainerPool, TrainOutcome } from '../trainer/types.js';
import type { EvaluationHooks, EvaluationOutcome, EvaluationRequest, Evaluator } from './types.js';

/** The experiment-wide settings of from-scratch training: the data and the optimiser. */
export interface TrainingSettings {
  /** A shipped dataset's name, or the path of the user's own data with its descriptor. */
  dataset: string;
  datasetDescriptor?: DatasetDescriptor;
  dataDir?: string;
  labelMode?: string;
  valFraction: number;
  /** Seed of the train/validation split (the search's seed: same seed, same split). */
  splitSeed: number;
  batchSize: number;
  learningRate: number;
  optimizer: 'adam' | 'sgd';
  /** Each trial's learning rate over its epochs; constant where not given (experiments from before the option). */
  schedule?: HyperParams['schedule'];
}

/** Scores a layer ARCH by training it from scratch in the trainer's worker pool. */
export function createTrainingEvaluator(settings: TrainingSettings, pool: TrainerPool): Evaluator {
  return {
    async evaluate(request, hooks = {}) {
      if (request.candidate.kind !== 'arch') {
        return { status: 'failed', error: 'error: cell architectures cannot be trained by the CNN trainer', worker: null };
      }
      const outcome = await pool.run(
        { arch: request.candidate.arch, hyper: searchHyperParams(settings, request), data: dataRequest(settings, request) },
        { onEpoch: hooks.onEpoch, onProgress: relayProgress(hooks.onProgress), signal: hooks.signal },
      );
      return outcomeOf(outcome);
    },
    close: () => pool.close(),
  };
}

/** The trainer's progress in the contract's terms. */
function relayProgress(onProgress: EvaluationHooks['onProgress']): RunHooks['onProgress'] {
  return onProgress && ((progress) => onProgress({ ...progress, backend: progress.backend ?? null }));
}

/** Every trial trains with its own seed, derived from the search's: same search seed and seq, same seed. */
export function trialSeed(searchSeed: number, seq: number): number {
  return (searchSeed * 7919 + seq) % 2147483647;
}

/** A search trial's hyperparameters: the experiment's optimiser and rate schedule (constant unless set), the trial's own seed. */
export function searchHyperParams(settings: Pick<TrainingSettings, 'batchSize' | 'learningRate' | 'optimizer' | 'schedule'>, request: Pick<EvaluationRequest, 'budget' | 'seed'>): HyperParams {
  return {
    epochs: request.budget.epochs,
    batchSize: settings.batchSize,
    learningRate: settings.learningRate,
    optimizer: settings.optimizer,
    schedule: settings.schedule ?? 'constant',
    labelSmoothing: 0,
    weightDecay: 0,
    earlyStoppingPatience: 0,
    augment: false,
    seed: request.seed,
  };
}

function dataRequest(settings: TrainingSettings, request: EvaluationRequest) {
  return {
    dataset: settings.dataset,
    ...(settings.datasetDescriptor ? { datasetDescriptor: settings.datasetDescriptor } : {}),
    dataDir: settings.dataDir,
    labelMode: settings.labelMode,
    valFraction: settings.valFraction,
    trainLimit: request.budget.trainLimit,
    valLimit: request.budget.valLimit,
    splitSeed: settings.splitSeed,
    useTestSet: false,
  };
}

/** The pool's result as an outcome; a loss that became NaN fails the trial, keeping what it measured. */
function outcomeOf(outcome: TrainOutcome): EvaluationOutcome {
  if (!outcome.ok) return { status: 'failed', error: `${outcome.cause}: ${outcome.error}`, worker: outcome.worker };
  const r = outcome.result;
  const metrics = { valAcc: r.valAcc, valLoss: r.valLoss, trainAcc: r.trainAcc, params: r.params ?? null, epochsRun: r.epochs, backend: r.backend };
  if (r.status === 'nan' || !Number.isFinite(r.valAcc)) {
    return { status: 'failed', error: `the loss became NaN after epoch ${r.epochs}; training stopped`, worker: outcome.worker, metrics };
  }
  return { status: r.status, metrics, worker: outcome.worker };
}
