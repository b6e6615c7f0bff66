import type { LoadedDataset } from '../../data/types.js';
import { computeNormalisation, makeSplit } from '../../data/index.js';
import type { DataRequest, EpochMetrics, TrainJob, TrainResult } from '../types.js';
import { buildModel } from '../model/build.js';
import { saveModel } from '../model/file-io.js';
import { evaluate, type Subset } from './evaluate.js';
import { REWARD_WINDOW, trainModel, type TrainHooks, type TrainingData } from './loop.js';

export interface JobContext {
  dataset: LoadedDataset;
  /** The backend in use, recorded in the result. */
  backend: string;
  backendNotes?: string[];
}

/**
 * Runs one trial in this process: split, normalise, build, train, and in a full training evaluate on the
 * test set and save the model. Every tensor it makes is freed before it returns.
 */
export async function runTrainJob(job: TrainJob, context: JobContext, hooks: TrainHooks = {}): Promise<TrainResult> {
  const started = performance.now();
  const { info } = context.dataset;
  const { data, test } = prepareData(context.dataset, job.data, job.hyper.augment);
  const model = buildModel(job.arch, info.inputShape, info.numClasses, { seed: job.hyper.seed });
  try {
    // A full training has no per-epoch validation split, so it never stops early (and never looks at the test set).
    const run = await trainModel(model, data, job.hyper, job.checkpoint ? { ...hooks, checkpoint: job.checkpoint } : hooks);
    const result: TrainResult = {
      status: run.status,
      history: run.history,
      ...reward(run.history),
      epochs: run.history.length,
      params: model.countParams(),
      backend: context.backend,
      ...(context.backendNotes?.length ? { backendNotes: context.backendNotes } : {}),
      seconds: 0,
      imagesPerSecond: run.trainSeconds > 0 ? run.trainImages / run.trainSeconds : 0,
    };
    const mirror = (job.hyper.testTimeFlip ?? false) && job.hyper.augment && (info.augmentation?.flip ?? false);
    if (test && run.status !== 'nan') result.test = evaluate(model, test, data.norm, info.numClasses, { mirror });
    if (test) result.normalisation = { ...data.norm, images: data.train.indices.length };
    if (job.saveModelTo !== undefined && run.status !== 'nan') result.modelPath = await saveModel(model, job.saveModelTo);
    // A training continued from its checkpoint reports its whole time, not this process's share.
    result.seconds = run.secondsBefore + (performance.now() - started) / 1000;
    return result;
  } finally {
    model.dispose();
  }
}

/**
 * The search's split of the training set, the validation split scored after every epoch; in a full training, train on
 * train + validation, with no per-epoch scoring, and the test set to score once at the end.
 */
function prepareData(dataset: LoadedDataset, request: DataRequest, augment: boolean): { data: TrainingData; test?: Subset } {
  const { info, train, test } = dataset;
  const split = makeSplit(train.labels, info.numClasses, {
    valFraction: request.valFraction,
    trainLimit: request.trainLimit,
    valLimit: request.valLimit,
    seed: request.splitSeed,
  });
  const trainSubset: Subset = request.useTestSet ? { set: train, indices: concat(split.train, split.val) } : { set: train, indices: split.train };
  const data: TrainingData = {
    train: trainSubset,
    norm: computeNormalisation(train, trainSubset.indices),
    classes: info.numClasses,
    augment: augment ? info.augmentation : undefined,
  };
  if (request.useTestSet) return { data, test: { set: test, indices: range(test.count) } };
  return { data: { ...data, val: { set: train, indices: split.val } } };
}

/** The reward: the best validation accuracy of the last few epochs, with that epoch's loss. */
function reward(history: EpochMetrics[]): Pick<TrainResult, 'valAcc' | 'valLoss' | 'trainAcc'> {
  if (history.length === 0) return { valAcc: 0, valLoss: NaN, trainAcc: 0 };
  const best = history.slice(-REWARD_WINDOW).reduce((a, b) => (b.valAcc > a.valAcc ? b : a));
  return { valAcc: best.valAcc, valLoss: best.valLoss, trainAcc: history[history.length - 1].trainAcc };
}

function concat(a: Int32Array, b: Int32Array): Int32Array {
  const out = new Int32Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

function range(n: number): Int32Array {
  return Int32Array.from({ length: n }, (_, i) => i);
}
