import * as tf from '@tensorflow/tfjs';
import type { ImageSet, Normalisation } from '../../data/types.js';
import { batches } from '../../data/index.js';
import type { Evaluation } from '../types.js';
import { logitsModel } from '../model/logits.js';
import { crossEntropyPerExample } from './loss.js';

/** Examples of one ImageSet, by index. */
export interface Subset {
  set: ImageSet;
  indices: Int32Array;
}

const EVAL_BATCH = 256;

export interface EvaluateOptions {
  /** Also score each image's left-right mirror and average the two probability vectors (test-time flip). */
  mirror?: boolean;
}

/** Accuracy, mean cross-entropy, confusion matrix (rows: true class, columns: predicted) and per-class scores. */
export function evaluate(model: tf.LayersModel, subset: Subset, norm: Normalisation, classes: number, options: EvaluateOptions = {}): Evaluation {
  const confusion = Array.from({ length: classes }, () => new Array<number>(classes).fill(0));
  let lossSum = 0;
  const logits = logitsModel(model);
  for (const batch of batches(subset.set, subset.indices, norm, { batchSize: EVAL_BATCH, shuffle: false, seed: 0 })) {
    const [batchLoss, predicted] = predictBatch(logits, batch.x, batch.y, subset.set.shape, options.mirror ?? false);
    lossSum += batchLoss;
    predicted.forEach((p, i) => { confusion[batch.y[i]][p] += 1; });
  }
  const total = subset.indices.length;
  return { ...metricsFromConfusion(confusion), loss: total > 0 ? lossSum / total : NaN };
}

function predictBatch(logitsModel: tf.LayersModel, x: Float32Array, y: Int32Array, shape: number[], mirror: boolean): [number, Int32Array] {
  const [lossT, predT] = tf.tidy(() => {
    const images = tf.tensor4d(x, [y.length, shape[0], shape[1], shape[2]]);
    const scoresOf = (input: tf.Tensor4D) => logitsModel.apply(input, { training: false }) as tf.Tensor2D;
    // Log of the mean probability is a valid logit vector: its softmax is that mean.
    const logits = mirror ? tf.log(tf.softmax(scoresOf(images)).add(tf.softmax(scoresOf(tf.reverse(images, 2)))).div(2)) as tf.Tensor2D : scoresOf(images);
    return [crossEntropyPerExample(logits, tf.tensor1d(y, 'int32')).sum(), logits.argMax(1)];
  });
  const result: [number, Int32Array] = [lossT.dataSync()[0], predT.dataSync() as Int32Array];
  tf.dispose([lossT, predT]);
  return result;
}

/** Accuracy and per-class precision, recall, F1 and support of a confusion matrix (0 where undefined). */
export function metricsFromConfusion(confusion: number[][]): Omit<Evaluation, 'loss'> {
  const classes = confusion.length;
  const total = sum(confusion.map(sum));
  const correct = sum(confusion.map((row, i) => row[i]));
  const perClass = confusion.map((row, k) => {
    const truePositives = row[k];
    const support = sum(row);
    const predicted = sum(confusion.map((r) => r[k]));
    const precision = ratio(truePositives, predicted);
    const recall = ratio(truePositives, support);
    const f1 = ratio(2 * precision * recall, precision + recall);
    return { precision, recall, f1, support };
  });
  return { accuracy: ratio(correct, total), confusion: confusion.map((row) => row.slice(0, classes)), perClass };
}

function sum(values: number[]): number {
  return values.reduce((a, b) => a + b, 0);
}

function ratio(numerator: number, denominator: number): number {
  return denominator > 0 ? numerator / denominator : 0;
}
