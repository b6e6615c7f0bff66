import * as tf from '@tensorflow/tfjs';
import type { Batch, BatchOptions, Normalisation } from '../../data/types.js';
import { batches } from '../../data/index.js';
import type { BatchProgress, EpochMetrics, EpochVerdict, HyperParams, TrainResult } from '../types.js';
import { withoutInputGradients } from '../backends/kernels/unneeded-input-gradient.js';
import { DropoutReseeder } from '../model/dropout-seeds.js';
import { inputConvKernels } from '../model/input-convs.js';
import { logitsModel } from '../model/logits.js';
import { countCorrect, crossEntropyPerExample } from './loss.js';
import { createOptimizer, learningRateAt, type SteppedOptimizer } from './schedule.js';
import { evaluate, type Subset } from './evaluate.js';
import { EpochPlan } from './epoch-plan.js';
import { ProgressMeter } from './progress.js';
import { restoreCheckpoint, saveCheckpoint } from './resume.js';

export interface TrainingData {
  train: Subset;
  /** Scored after every epoch (the validation split). Absent in a full training, whose test set is scored once, at the end. */
  val?: Subset;
  norm: Normalisation;
  classes: number;
  augment?: BatchOptions['augment'];
}

export interface TrainHooks {
  onEpoch?: (metrics: EpochMetrics) => EpochVerdict | Promise<EpochVerdict>;
  /** Checked between steps; training stops with an error when it fires. */
  signal?: AbortSignal;
  /** Progress within an epoch, after every step. */
  onStep?: (progress: { epoch: number; step: number; steps: number; loss: number }) => void;
  /** Progress within an epoch with its pace and ETA, at most every PROGRESS_INTERVAL_MS. */
  onProgress?: (progress: BatchProgress) => void;
  /** Save the state after every epoch to this file, and continue from it when it holds this key's state. */
  checkpoint?: { file: string; key: string };
}

export interface TrainingRun {
  status: TrainResult['status'];
  history: EpochMetrics[];
  trainImages: number;
  trainSeconds: number;
  /** The seconds this training had run before it continued from its checkpoint (0 when it started afresh). */
  secondsBefore: number;
}

/** How many final epochs the reward looks back over (best validation accuracy among them). */
export const REWARD_WINDOW = 3;

/**
 * Trains in place with a custom loop: seeded shuffling, per-step learning rate, early stopping on
 * validation loss, the epoch hook, and an immediate stop on a non-finite loss.
 */
export async function trainModel(model: tf.LayersModel, data: TrainingData, hyper: HyperParams, hooks: TrainHooks = {}): Promise<TrainingRun> {
  const stepsPerEpoch = Math.ceil(data.train.indices.length / hyper.batchSize);
  const plan = new EpochPlan(hyper, stepsPerEpoch);
  const meter = new ProgressMeter(stepsPerEpoch, data.train.indices.length);
  const loopStarted = performance.now();
  const optimizer = createOptimizer(hyper);
  const step = makeStep(model, optimizer, hyper);
  const reseeder = new DropoutReseeder(model, hyper.seed);
  const run: TrainingRun = { status: 'completed', history: [], trainImages: 0, trainSeconds: 0, secondsBefore: 0 };
  const stopper = new EarlyStopper(hyper.earlyStoppingPatience);
  let stepIndex = 0;
  let firstEpoch = 1;
  try {
    const resumed = hooks.checkpoint && (await restoreCheckpoint(model, optimizer.optimizer, hooks.checkpoint));
    if (resumed) {
      stepIndex = resumed.stepIndex;
      Object.assign(run, { history: resumed.history, trainImages: resumed.trainImages, trainSeconds: resumed.trainSeconds, secondsBefore: resumed.elapsedSeconds });
      Object.assign(stopper, resumed.stopper);
      plan.restore(resumed.plannedEpochs);
      reseeder.skip(stepIndex);
      firstEpoch = resumed.epochsDone + 1;
    }
    const elapsed = () => run.secondsBefore + (performance.now() - loopStarted) / 1000;
    for (let epoch = firstEpoch; epoch <= plan.epochs; epoch++) {
      const started = performance.now();
      let lossSum = 0;
      let correct = 0;
      let seen = 0;
      const options: BatchOptions = { batchSize: hyper.batchSize, shuffle: true, seed: `${hyper.seed}:${epoch}`, augment: data.augment };
      meter.startEpoch();
      for (const batch of batches(data.train.set, data.train.indices, data.norm, options)) {
        // Between steps, let timers, IPC and abort events run.
        await new Promise((resolve) => setImmediate(resolve));
        hooks.signal?.throwIfAborted();
        optimizer.setLearningRate(learningRateAt(hyper, stepIndex++, plan.totalSteps));
        reseeder.reseed();
        const outcome = step(batch, data.train.set.shape);
        if (!Number.isFinite(outcome.loss)) return { ...run, status: 'nan' };
        hooks.onStep?.({ epoch, step: (stepIndex - 1) % stepsPerEpoch + 1, steps: stepsPerEpoch, loss: outcome.loss });
        const progress = meter.step(epoch, plan.epochs, batch.count);
        if (progress) hooks.onProgress?.(progress);
        lossSum += outcome.loss * batch.count;
        correct += outcome.correct;
        seen += batch.count;
      }
      run.trainSeconds += (performance.now() - started) / 1000;
      run.trainImages += seen;
      const val = data.val ? evaluate(model, data.val, data.norm, data.classes) : undefined;
      plan.update(epoch, elapsed());
      const metrics: EpochMetrics = {
        epoch,
        trainLoss: lossSum / Math.max(seen, 1),
        trainAcc: correct / Math.max(seen, 1),
        valLoss: val?.loss ?? NaN,
        valAcc: val?.accuracy ?? NaN,
        seconds: (performance.now() - started) / 1000,
        plannedEpochs: plan.epochs,
      };
      run.history.push(metrics);
      if (val && !Number.isFinite(val.loss)) return { ...run, status: 'nan' };
      if ((await hooks.onEpoch?.(metrics)) === 'prune') return { ...run, status: 'pruned' };
      if (val && stopper.shouldStop(val.loss)) break;
      if (hooks.checkpoint) {
        const state = { key: hooks.checkpoint.key, epochsDone: epoch, stepIndex, plannedEpochs: plan.epochs, elapsedSeconds: elapsed(), trainImages: run.trainImages, trainSeconds: run.trainSeconds, history: run.history, stopper: { ...stopper } };
        await saveCheckpoint(model, optimizer.optimizer, hooks.checkpoint.file, state);
      }
    }
    return run;
  } finally {
    optimizer.dispose();
  }
}

/** One optimisation step; returns the batch's mean loss (data term, without weight decay) and correct count. */
function makeStep(model: tf.LayersModel, optimizer: SteppedOptimizer, hyper: HyperParams) {
  const logits = logitsModel(model);
  const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const decayed = model.trainableWeights.filter((w) => /kernel/.test(w.name)).map((w) => w.read());
  const onData = inputConvKernels(model);
  return (batch: Batch, shape: number[]): { loss: number; correct: number } => {
    const tensors = tf.tidy(() => {
      const x = tf.tensor4d(batch.x, [batch.count, shape[0], shape[1], shape[2]]);
      const y = tf.tensor1d(batch.y, 'int32');
      let correctT: tf.Scalar | undefined;
      let dataLossT: tf.Scalar | undefined;
      withoutInputGradients(onData, () => optimizer.optimizer.minimize(() => {
        const scores = logits.apply(x, { training: true }) as tf.Tensor2D;
        correctT = tf.keep(countCorrect(scores, y));
        dataLossT = tf.keep(crossEntropyPerExample(scores, y, hyper.labelSmoothing).mean() as tf.Scalar);
        return hyper.weightDecay > 0 ? dataLossT.add(l2(decayed).mul(hyper.weightDecay / 2)) as tf.Scalar : dataLossT.clone();
      }, false, variables));
      return [dataLossT as tf.Scalar, correctT as tf.Scalar];
    });
    const result = { loss: tensors[0].dataSync()[0], correct: tensors[1].dataSync()[0] };
    tf.dispose(tensors);
    return result;
  };
}

function l2(weights: tf.Tensor[]): tf.Scalar {
  return tf.addN(weights.map((w) => w.square().sum())) as tf.Scalar;
}

class EarlyStopper {
  best = Infinity;
  sinceBest = 0;

  constructor(private readonly patience: number) {}

  shouldStop(valLoss: number): boolean {
    if (valLoss < this.best) {
      this.best = valLoss;
      this.sinceBest = 0;
      return false;
    }
    this.sinceBest += 1;
    return this.patience > 0 && this.sinceBest >= this.patience;
  }
}
