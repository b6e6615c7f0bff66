/**
 * tfjs-layers' BatchNormalization, trained through one fused op on the wasm backend (see
 * backends/kernels/batch-norm.ts: 4 passes over the activation per step instead of about 25 kernels).
 *
 * It is a subclass of the stock layer and changes only its training call: the same weights (gamma, beta,
 * moving_mean, moving_variance, made by the stock build()), the same moving-average updates, the same class
 * name in a saved model (which loads as the stock layer). Anywhere else (inference, another backend, a
 * configuration the fused op does not cover) the stock call runs.
 */
import * as tf from '@tensorflow/tfjs';
import { batchNormTraining, batchNormTrainingAvailable } from '../backends/kernels/batch-norm.js';
import { batchNormMaxPool, batchNormMaxPoolAvailable } from '../backends/kernels/batch-norm-max-pool.js';

type LayerArgs = Parameters<typeof tf.layers.batchNormalization>[0];
type Kwargs = Parameters<tf.layers.Layer['call']>[1];

interface Variable {
  read(): tf.Tensor;
  write(value: tf.Tensor): void;
}

/** The stock layer's fields that tfjs declares private. */
interface Internals {
  axis: number;
  momentum: number;
  epsilon: number;
  center: boolean;
  scale: boolean;
  gamma: Variable;
  beta: Variable;
  movingMean: Variable;
  movingVariance: Variable;
}

// The class is not exported by tfjs; an explicit name keeps this instance from taking a generated layer name.
const StockBatchNormalization = tf.layers.batchNormalization({ name: 'nas_stock_batch_norm_class' }).constructor as new (
  args?: LayerArgs,
) => tf.layers.Layer;

class FusedTrainingBatchNormalization extends StockBatchNormalization {
  /** Set where a 2x2 max pool takes this layer's output, and only it (see max-pool-layer.ts). */
  poolHandoff?: { pending: boolean };

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Kwargs): tf.Tensor | tf.Tensor[] {
    const input = Array.isArray(inputs) ? inputs[0] : inputs;
    const self = this as unknown as Internals;
    if (this.poolHandoff !== undefined) this.poolHandoff.pending = false; // none left over from a pass that failed
    const lastAxis = self.axis === -1 || self.axis === input.rank - 1;
    const fused = kwargs.training === true && lastAxis && self.center && self.scale && batchNormTrainingAvailable(input);
    if (!fused || (Array.isArray(inputs) && inputs.length !== 1)) return super.call(inputs, kwargs);
    if (this.poolHandoff !== undefined && batchNormMaxPoolAvailable(input)) {
      // The pool normalises and pools in one op (normaliseAndPool); a clone (Identity) shares the data, copies nothing.
      this.poolHandoff.pending = true;
      return tf.clone(input);
    }
    return tf.tidy(() => {
      const [y, mean, variance] = batchNormTraining(input, self.gamma.read() as tf.Tensor1D, self.beta.read() as tf.Tensor1D, self.epsilon);
      this.updateMovingAverages(mean, variance);
      return y;
    });
  }

  /** This layer's training normalisation of x, then a 2x2 max pool with stride 2, as one op. */
  normaliseAndPool(x: tf.Tensor4D): tf.Tensor4D {
    const self = this as unknown as Internals;
    return tf.tidy(() => {
      const [y, mean, variance] = batchNormMaxPool(x, self.gamma.read() as tf.Tensor1D, self.beta.read() as tf.Tensor1D, self.epsilon);
      this.updateMovingAverages(mean, variance);
      return y;
    });
  }

  private updateMovingAverages(mean: tf.Tensor, variance: tf.Tensor): void {
    const self = this as unknown as Internals;
    movingAverage(self.movingMean, mean, self.momentum);
    movingAverage(self.movingVariance, variance, self.momentum);
  }
}

/** The stock layer's update, op for op: v - (v - value) (1 - momentum). */
function movingAverage(variable: Variable, value: tf.Tensor, momentum: number): void {
  tf.tidy(() => {
    const decay = 1 - momentum;
    const original = variable.read();
    const delta = tf.mul(tf.sub(original, value), decay);
    variable.write(tf.sub(original, delta));
  });
}

export type TrainingBatchNormalization = FusedTrainingBatchNormalization;

/** A BatchNormalization layer (as tf.layers.batchNormalization) whose training is fused on wasm. */
export function batchNormalization(args?: LayerArgs): TrainingBatchNormalization {
  return new FusedTrainingBatchNormalization(args);
}
