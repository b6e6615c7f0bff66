import * as tf from '@tensorflow/tfjs';
import seedrandom from 'seedrandom';
import { batches } from '../../data/index.js';
import type { Batch, ImageSet, Normalisation } from '../../data/types.js';
import type { Arch } from '../../space/types.js';
import type { HyperParams } from '../../trainer/types.js';
import { crossEntropyPerExample } from '../../trainer/train/loss.js';
import { learningRateAt } from '../../trainer/train/schedule.js';
import { CalibrationSums, type LayerStatistics } from './batch-norm.js';
import { decodeCheckpoint, encodeCheckpoint, type Checkpoint } from './checkpoint.js';
import { KeyedAdam, type SlicedGradient } from './keyed-adam.js';
import { seedStream } from './seeds.js';
import type { SharingRule } from './sharing-rules.js';
import { Supernet, type SupernetShape } from './supernet.js';

/** The data a shared-weight search trains and scores on: the search's own split. */
export interface SharedData {
  set: ImageSet;
  train: Int32Array;
  val: Int32Array;
  norm: Normalisation;
}

export interface SessionSettings {
  seed: number;
  batchSize: number;
  learningRate: number;
  /** Training images whose statistics a path's batch norm is calibrated on before it is scored. */
  calibrationImages: number;
  /** Validation images a path is scored on (a seeded draw per score); all of them when it is not less. */
  scoreImages: number;
  /** How far paths share weights (the supernet's default when left out). */
  sharing?: SharingRule;
}

export interface Score {
  valAcc: number;
  valLoss: number;
}

const CALIBRATION_BATCH = 128;
const SCORE_BATCH = 500;

/**
 * One shared-weight training: the supernet, its optimiser, and the position in the training data. Step s trains on
 * batch s mod (steps per epoch) of epoch floor(s / steps per epoch), in an order seeded by the epoch, so the step
 * count alone says where the data stands: a checkpoint is the weights, the moments and that count.
 */
export class SharedSession {
  readonly supernet: Supernet;
  private readonly adam: KeyedAdam;
  private steps = 0;
  private epochOrder: { epoch: number; order: Int32Array } | null = null;

  constructor(shape: SupernetShape, private readonly data: SharedData, private readonly settings: SessionSettings) {
    this.supernet = new Supernet(shape, settings.seed, settings.sharing);
    this.adam = new KeyedAdam({ learningRate: settings.learningRate });
  }

  get batchSize(): number {
    return this.settings.batchSize;
  }

  get stepsDone(): number {
    return this.steps;
  }

  /** `count` optimisation steps of the shared weights along one path; the mean loss and accuracy over them. */
  train(arch: Arch, count: number): { loss: number; accuracy: number } {
    const boxes = this.supernet.pathOf(arch);
    const variables = [...boxes.keys()].map((name) => this.supernet.variable(name));
    let loss = 0;
    let correct = 0;
    let seen = 0;
    for (let i = 0; i < count; i++) {
      const batch = this.trainingBatch(this.steps);
      const nextSeed = seedStream(`${this.settings.seed}:dropout:${this.steps}`);
      const [batchLoss, batchCorrect] = tf.tidy(() => {
        const x = this.images(batch);
        const y = tf.tensor1d(batch.y, 'int32');
        let hits: tf.Scalar | undefined;
        const { value, grads } = tf.variableGrads(() => {
          const logits = this.supernet.forward(arch, x, { mode: 'train', nextDropoutSeed: nextSeed });
          hits = tf.keep(logits.argMax(1).equal(y).sum());
          return crossEntropyPerExample(logits, y).mean() as tf.Scalar;
        }, variables);
        const gradients = new Map<string, SlicedGradient>();
        for (const [tfName, gradient] of Object.entries(grads)) {
          const name = this.supernet.nameOf(tfName);
          const box = boxes.get(name)!;
          const whole = box.every((size, axis) => size === gradient.shape[axis]);
          gradients.set(name, whole ? { gradient } : { gradient, sizes: box });
        }
        this.adam.apply(this.supernet.variables, gradients);
        const counted = hits!.dataSync()[0]!;
        hits!.dispose(); // kept out of the gradient's scope, so tidy does not free it
        return [value.dataSync()[0]!, counted];
      });
      loss += batchLoss * batch.count;
      correct += batchCorrect;
      seen += batch.count;
      this.steps += 1;
    }
    return { loss: loss / Math.max(seen, 1), accuracy: correct / Math.max(seen, 1) };
  }

  /** The path's validation accuracy under the shared weights, its batch norm calibrated first; `seed` draws the images. */
  score(arch: Arch, seed: number): Score {
    const statistics = this.calibrate(arch, seed);
    const val = drawn(this.data.val, this.settings.scoreImages, `${seed}:score`);
    let correct = 0;
    let lossSum = 0;
    for (const batch of batches(this.data.set, val, this.data.norm, { batchSize: SCORE_BATCH, shuffle: false, seed: 0 })) {
      const [batchLoss, hits] = tf.tidy(() => {
        const logits = this.supernet.forward(arch, this.images(batch), { mode: 'eval', statistics });
        const y = tf.tensor1d(batch.y, 'int32');
        const lossT = crossEntropyPerExample(logits, y).sum();
        return [lossT.dataSync()[0]!, logits.argMax(1).equal(y).sum().dataSync()[0]!];
      });
      lossSum += batchLoss;
      correct += hits;
    }
    return { valAcc: correct / val.length, valLoss: lossSum / val.length };
  }

  /**
   * The path's score after `steps` steps along it alone, from the shared weights as they stand; the weights, moments
   * and step count are then put back, so the tuning changes nothing else.
   */
  scoreTuned(arch: Arch, seed: number, steps: number, schedule: HyperParams['schedule'] = 'constant'): Score {
    if (steps === 0) return this.score(arch, seed);
    const saved = this.save();
    const rate = this.adam.learningRate;
    try {
      if (schedule === 'constant') this.train(arch, steps);
      else {
        for (let i = 0; i < steps; i++) {
          this.adam.learningRate = learningRateAt({ learningRate: rate, schedule }, i, steps);
          this.train(arch, 1);
        }
      }
    } finally {
      this.adam.learningRate = rate;
    }
    const score = this.score(arch, seed);
    this.restore(saved);
    return score;
  }

  /** The path's batch-norm statistics over `calibrationImages` training images (seeded by `seed`). */
  calibrate(arch: Arch, seed: number): Map<number, LayerStatistics> {
    this.supernet.pathOf(arch);
    const sums = new CalibrationSums();
    const images = drawn(this.data.train, this.settings.calibrationImages, `${seed}:calibration`);
    for (const batch of batches(this.data.set, images, this.data.norm, { batchSize: CALIBRATION_BATCH, shuffle: false, seed: 0 })) {
      if (batch.count < CALIBRATION_BATCH && sums.statistics().size > 0) break; // equal batches only, when there are several
      tf.tidy(() => {
        this.supernet.forward(arch, this.images(batch), { mode: 'calibrate', calibration: sums });
      });
    }
    return sums.statistics();
  }

  save(): Uint8Array {
    const checkpoint: Checkpoint = { steps: this.steps, variables: new Map(), moments: this.adam.state() };
    for (const [name, variable] of this.supernet.variables) {
      checkpoint.variables.set(name, { shape: variable.shape, values: variable.dataSync() as Float32Array });
    }
    return encodeCheckpoint(checkpoint);
  }

  restore(bytes: Uint8Array): void {
    const checkpoint = decodeCheckpoint(bytes);
    this.supernet.keepOnly(new Set(checkpoint.variables.keys())); // a weight made after the checkpoint starts afresh
    for (const [name, { shape, values }] of checkpoint.variables) this.supernet.setVariable(name, values, shape);
    const shapes = new Map([...checkpoint.variables].map(([name, { shape }]) => [name, shape]));
    this.adam.restore(checkpoint.moments, shapes);
    this.steps = checkpoint.steps;
  }

  /** Back to the initial weights (each variable from its own seed), no moments, no steps. */
  reset(): void {
    this.adam.dispose();
    this.supernet.dispose();
    this.steps = 0;
  }

  dispose(): void {
    this.adam.dispose();
    this.supernet.dispose();
  }

  private trainingBatch(step: number): Batch {
    const { batchSize, seed } = this.settings;
    const perEpoch = Math.max(1, Math.floor(this.data.train.length / batchSize));
    const epoch = Math.floor(step / perEpoch);
    if (this.epochOrder?.epoch !== epoch) this.epochOrder = { epoch, order: shuffled(this.data.train, `${seed}:epoch:${epoch}`) };
    const start = (step % perEpoch) * batchSize;
    const chosen = this.epochOrder.order.subarray(start, Math.min(start + batchSize, this.data.train.length));
    return batches(this.data.set, chosen, this.data.norm, { batchSize, shuffle: false, seed: 0 }).next().value as Batch;
  }

  private images(batch: Batch): tf.Tensor4D {
    const [h, w, c] = this.data.set.shape;
    return tf.tensor4d(batch.x, [batch.count, h, w, c]);
  }
}

function shuffled(indices: Int32Array, seed: string): Int32Array {
  const order = Int32Array.from(indices);
  const random = seedrandom(seed);
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  return order;
}

/** `count` of the indices, drawn with the seed (all of them, in order, when count is not less). */
function drawn(indices: Int32Array, count: number, seed: string): Int32Array {
  if (count >= indices.length) return indices;
  return shuffled(indices, seed).subarray(0, count).sort();
}
