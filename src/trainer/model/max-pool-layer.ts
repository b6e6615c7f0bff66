/**
 * tfjs-layers' MaxPooling2D (2x2 windows, stride 2) right after a batch-norm layer, trained with it as one op on
 * wasm (backends/kernels/batch-norm-max-pool.ts): in training the batch-norm layer passes its input on and says so
 * (its poolHandoff), and this layer normalises and pools it with the batch-norm layer's weights. Anywhere else
 * (inference, another backend, a shape the op does not cover) both layers run their stock calls. The same class
 * name in a saved model, which loads as the stock layer.
 */
import * as tf from '@tensorflow/tfjs';
import type { TrainingBatchNormalization } from './batch-norm-layer.js';

type PoolArgs = Parameters<typeof tf.layers.maxPooling2d>[0];
type Kwargs = Parameters<tf.layers.Layer['call']>[1];

// The class is not exported by tfjs; an explicit name keeps this instance from taking a generated layer name.
const StockMaxPooling2D = tf.layers.maxPooling2d({ poolSize: 2, name: 'nas_stock_max_pool_class' }).constructor as new (args: PoolArgs) => tf.layers.Layer;

class MaxPoolingAfterBatchNorm extends StockMaxPooling2D {
  private readonly handoff = { pending: false };

  constructor(args: PoolArgs, private readonly batchNorm: TrainingBatchNormalization) {
    super(args);
    batchNorm.poolHandoff = this.handoff;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Kwargs): tf.Tensor | tf.Tensor[] {
    const handedOver = this.handoff.pending && kwargs.training === true;
    this.handoff.pending = false;
    if (!handedOver) return super.call(inputs, kwargs);
    return this.batchNorm.normaliseAndPool((Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor4D);
  }
}

/** A 2x2 max pool with stride 2 that trains as one op with `batchNorm`, the layer whose output (only) it takes. */
export function maxPoolingAfterBatchNorm(args: PoolArgs, batchNorm: TrainingBatchNormalization): tf.layers.Layer {
  return new MaxPoolingAfterBatchNorm(args, batchNorm);
}
