/**
 * tfjs-layers' Dropout, trained through one kernel (backends/kernels/dropout.ts) on the backends that have it
 * (wasm, cpu): the mask a hash of the layer's seed and each element's index instead of tfjs's JavaScript
 * random stream. A subclass of the stock layer that changes only its training call: the same configuration
 * and class name in a saved model (which loads as the stock layer), the same seed field that the trainer's
 * DropoutReseeder sets before each step. Elsewhere (inference, tfjs-node, a noise shape) the stock call runs.
 */
import * as tf from '@tensorflow/tfjs';
import { seededDropout, seededDropoutAvailable } from '../backends/kernels/dropout.js';

type LayerArgs = Parameters<typeof tf.layers.dropout>[0];
type Kwargs = Parameters<tf.layers.Layer['call']>[1];

/** The stock layer's fields. */
interface Internals {
  rate: number;
  noiseShape?: number[];
  seed?: number;
}

// The class is not exported by tfjs; an explicit name keeps this instance from taking a generated layer name.
const StockDropout = tf.layers.dropout({ rate: 0.5, name: 'nas_stock_dropout_class' }).constructor as new (args: LayerArgs) => tf.layers.Layer;

class SeededDropout extends StockDropout {
  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Kwargs): tf.Tensor | tf.Tensor[] {
    const input = Array.isArray(inputs) ? inputs[0] : inputs;
    const { rate, noiseShape, seed } = this as unknown as Internals;
    const own = kwargs.training === true && rate > 0 && rate < 1 && noiseShape == null && (seed === undefined || Number.isInteger(seed)) &&
      !(Array.isArray(inputs) && inputs.length !== 1) && seededDropoutAvailable(input);
    if (!own) return super.call(inputs, kwargs);
    // Without a seed the stock layer draws a fresh mask from Math.random at every call; so does this one.
    return tf.tidy(() => seededDropout(input, rate, seed ?? Math.floor(Math.random() * 0x7fffffff) + 1));
  }
}

/** A Dropout layer (as tf.layers.dropout) whose training mask is one kernel on wasm and cpu. */
export function dropout(args: LayerArgs): tf.layers.Layer {
  return new SeededDropout(args);
}
