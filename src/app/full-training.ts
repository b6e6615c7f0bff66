import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fetchDataset } from '../data/index.js';
import type { DatasetDescriptor } from '../data/custom/types.js';
import { ConfigError } from '../errors.js';
import { archHash } from '../space/index.js';
import type { Arch } from '../space/types.js';
import { searchHyperParams } from '../evaluation/index.js';
import type { ReplayRecord, Store, TrialRecord } from '../store/index.js';
import { checkpointEpochs, createTrainerPool } from '../trainer/index.js';
import type { BackendName, BatchProgress, EpochMetrics, HyperParams, TrainerPool, TrainResult } from '../trainer/types.js';
import type { SearchConfig } from './options/index.js';
import { FAKE_EVALUATOR_ENV } from './test-hooks.js';
import { exportTrainedModel } from './model-export.js';

export const DEFAULT_REPLAY_EPOCHS = 20;

/**
 * How a full training differs from a search trial's: what a long run wants (a decaying learning rate, the
 * dataset's standard augmentation), and optionally another learning rate or batch size than the trial's.
 */
export interface TrainingRecipe extends Pick<HyperParams, 'schedule' | 'augment' | 'labelSmoothing' | 'weightDecay' | 'timeLimitSeconds' | 'testTimeFlip'> {
  learningRate?: number;
  batchSize?: number;
}

/** The defaults of nas replay and nas train: cosine decay, no augmentation. Why: see BENCHMARKS.md, "Augmentation is opt-in in full training". */
export const REPLAY_RECIPE: TrainingRecipe = { schedule: 'cosine', augment: false, labelSmoothing: 0, weightDecay: 0 };

/** A trial's (or the defaults') hyperparameters with a full-training recipe and epoch count. */
export function withRecipe(hyper: HyperParams, recipe: TrainingRecipe, epochs: number): HyperParams {
  return { ...hyper, ...recipe, epochs };
}

export interface FullTraining {
  arch: Arch;
  /** A shipped dataset's name, or the path of the user's own data with its descriptor (checked before training). */
  dataset: string;
  datasetDescriptor?: DatasetDescriptor;
  dataDir?: string;
  labelMode?: string;
  hyper: HyperParams;
  valFraction: number;
  splitSeed: number;
  /** Train on at most this many examples (default: the whole training set). */
  trainLimit?: number;
  backend: BackendName;
  /** wasm threads (default: one per core). */
  threads?: number;
  /** Folder under which the model's own folder is made. */
  modelsDir: string;
  /** Name of the model's folder. */
  modelName: string;
  onEpoch?: (metrics: EpochMetrics) => void;
  /** Progress inside an epoch (batches, images/s, ETAs), a few times a second at most. */
  onProgress?: (progress: BatchProgress) => void;
  /** Called before training when a checkpoint of this same training holds `epochsDone` epochs, which are not trained again. */
  onResume?: (epochsDone: number) => void;
  signal?: AbortSignal;
}

export type FullTrainingOutcome = { ok: true; result: TrainResult; replay: ReplayRecord } | { ok: false; error: string };

/**
 * Trains an ARCH from scratch on train + validation, evaluates it once on the test set, saves the model
 * (tfjs LayersModel format) and records the replay, linked to its trial when there is one.
 */
export async function trainFully(store: Store, trialId: number | null, request: FullTraining): Promise<FullTrainingOutcome> {
  await fetchDataset(request.dataset, { dataDir: request.dataDir, descriptor: request.datasetDescriptor });
  const trainer = createReplayTrainer(request);
  const checkpoint = checkpointOf(request);
  const epochsDone = checkpointEpochs(checkpoint.file, checkpoint.key);
  if (epochsDone > 0) request.onResume?.(epochsDone);
  try {
    const modelPath = path.resolve(request.modelsDir, request.modelName);
    const outcome = await trainer.run(
      {
        arch: request.arch,
        hyper: request.hyper,
        data: {
          dataset: request.dataset,
          ...(request.datasetDescriptor ? { datasetDescriptor: request.datasetDescriptor } : {}),
          dataDir: request.dataDir,
          labelMode: request.labelMode,
          valFraction: request.valFraction,
          trainLimit: request.trainLimit,
          splitSeed: request.splitSeed,
          useTestSet: true,
        },
        saveModelTo: modelPath,
        checkpoint,
      },
      { onEpoch: (metrics) => (request.onEpoch?.(metrics), 'continue'), onProgress: request.onProgress, signal: request.signal },
    );
    if (!outcome.ok) return { ok: false, error: `${outcome.cause}: ${outcome.error}` };
    const result = outcome.result;
    if (result.status === 'nan' || !result.test) return { ok: false, error: `the loss became NaN after epoch ${result.epochs}` };
    // The saved model gets its normalisation baked in, labels.json and preprocessing.json; the record keeps the last two.
    const exported = await exportTrainedModel(request, result);
    const replay = store.replays.record({
      trialId,
      arch: request.arch,
      dataset: request.dataset,
      epochs: result.epochs,
      settings: { ...request.hyper, ...exported },
      evaluation: result.test,
      modelPath: result.modelPath ?? null,
      backend: result.backend,
      seconds: result.seconds,
    });
    fs.rmSync(checkpoint.file, { force: true });
    return { ok: true, result, replay };
  } finally {
    await trainer.close();
  }
}

/** The full-training request of a stored trial: its ARCH, its experiment's data and its hyperparameters. */
export function replayRequestOf(
  trial: TrialRecord,
  experiment: { name: string; config: Record<string, unknown> },
  overrides: { epochs?: number; recipe?: TrainingRecipe; backend?: BackendName; trainLimit?: number; threads?: number; modelsDir: string },
): FullTraining {
  if (typeof trial.arch === 'string') throw new ConfigError(`trial ${trial.id} is a cell architecture; only layer ARCHs can be replayed`);
  const config = experiment.config as unknown as SearchConfig;
  const request: FullTraining = {
    arch: trial.arch,
    dataset: config.dataset,
    hyper: withRecipe(searchHyperParams(config, { budget: trial.budget, seed: trial.budget.seed }), overrides.recipe ?? REPLAY_RECIPE, overrides.epochs ?? DEFAULT_REPLAY_EPOCHS),
    valFraction: config.valFraction,
    splitSeed: config.seed,
    backend: overrides.backend ?? config.backend,
    modelsDir: overrides.modelsDir,
    modelName: `${safeName(experiment.name)}-trial${trial.seq}-${stamp()}`,
  };
  if (config.datasetDescriptor !== undefined) request.datasetDescriptor = config.datasetDescriptor;
  if (config.dataDir !== undefined) request.dataDir = config.dataDir;
  if (config.labelMode !== undefined) request.labelMode = config.labelMode;
  if (overrides.trainLimit !== undefined) request.trainLimit = overrides.trainLimit;
  if (overrides.threads !== undefined) request.threads = overrides.threads;
  return request;
}

export function trainModelName(arch: Arch): string {
  return `train-${archHash(arch)}-${stamp()}`;
}

function safeName(name: string): string {
  return name.replace(/[^\w.-]+/g, '_');
}

function stamp(): string {
  return new Date().toISOString().replace(/[-:]/g, '').replace(/\..*$/, '');
}

/**
 * Where a full training keeps its state after every epoch: a file under the models folder named by what the training
 * is (ARCH, hyperparameters, data), so that the same command run again continues it, and any other starts afresh.
 */
function checkpointOf(request: FullTraining): { file: string; key: string } {
  const { arch, hyper, dataset, dataDir, labelMode, valFraction, splitSeed, trainLimit } = request;
  const key = createHash('sha256').update(JSON.stringify({ arch, hyper, dataset, dataDir, labelMode, valFraction, splitSeed, trainLimit })).digest('hex').slice(0, 24);
  return { file: path.resolve(request.modelsDir, '.checkpoints', `${key}.ckpt`), key };
}

function createReplayTrainer(request: FullTraining): TrainerPool {
  if (process.env[FAKE_EVALUATOR_ENV]) throw new ConfigError(`${FAKE_EVALUATOR_ENV} is set: replays need the real trainer`);
  return createTrainerPool({ size: 1, backend: request.backend, threads: request.threads });
}
