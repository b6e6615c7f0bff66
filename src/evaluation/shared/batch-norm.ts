import * as tf from '@tensorflow/tfjs';

/** tfjs-layers' batch-norm epsilon, so that a path and its stand-alone model normalise alike. */
export const BATCH_NORM_EPSILON = 1e-3;

export interface LayerStatistics {
  mean: Float32Array;
  variance: Float32Array;
}

/** Per-layer sums of batch means and of batch second moments, over the calibration batches. */
export class CalibrationSums {
  private readonly sums = new Map<number, { mean: Float64Array; square: Float64Array; batches: number }>();

  add(layer: number, mean: Float32Array, variance: Float32Array): void {
    let sum = this.sums.get(layer);
    if (!sum) {
      sum = { mean: new Float64Array(mean.length), square: new Float64Array(mean.length), batches: 0 };
      this.sums.set(layer, sum);
    }
    for (let c = 0; c < mean.length; c++) {
      sum.mean[c]! += mean[c]!;
      sum.square[c]! += variance[c]! + mean[c]! * mean[c]!;
    }
    sum.batches += 1;
  }

  /** The statistics over all calibration images (batches of equal size): the mean, and E[x^2] - mean^2. */
  statistics(): Map<number, LayerStatistics> {
    const out = new Map<number, LayerStatistics>();
    for (const [layer, { mean, square, batches }] of this.sums) {
      const m = mean.map((v) => v / batches);
      out.set(layer, {
        mean: Float32Array.from(m),
        variance: Float32Array.from(square.map((v, c) => Math.max(v / batches - m[c]! * m[c]!, 0))),
      });
    }
    return out;
  }
}

export interface BatchNormPass {
  mode: 'train' | 'calibrate' | 'eval';
  /** calibrate: where the batch statistics are added up. */
  calibration?: CalibrationSums;
  /** eval: the path's calibrated statistics, by layer index. */
  statistics?: ReadonlyMap<number, LayerStatistics>;
}

/**
 * Batch norm of the shared network: on the batch's own statistics while training and calibrating (no running
 * averages: the statistics of one path say nothing about another's), on a path's calibrated statistics when scoring.
 */
export function applyBatchNorm(x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor, layer: number, pass: BatchNormPass): tf.Tensor {
  const axes = x.rank === 4 ? [0, 1, 2] : [0];
  if (pass.mode === 'eval') {
    const stats = pass.statistics?.get(layer);
    if (!stats) throw new Error(`batch norm of layer ${layer}: no calibrated statistics`);
    return tf.batchNorm(x, tf.tensor1d(stats.mean), tf.tensor1d(stats.variance), beta, gamma, BATCH_NORM_EPSILON);
  }
  const { mean, variance } = tf.moments(x, axes);
  if (pass.mode === 'calibrate' && pass.calibration) {
    pass.calibration.add(layer, mean.dataSync() as Float32Array, variance.dataSync() as Float32Array);
  }
  return tf.batchNorm(x, mean, variance, beta, gamma, BATCH_NORM_EPSILON);
}
