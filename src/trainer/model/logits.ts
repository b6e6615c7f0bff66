import * as tf from '@tensorflow/tfjs';

/**
 * The same network without its final softmax layer (sharing every weight). Training and evaluation take
 * the cross-entropy of the logits: from probabilities clipped away from 0 and 1, a saturated wrong answer
 * has a zero gradient and the net never recovers. Never dispose the result: its layers belong to `model`.
 */
export function logitsModel(model: tf.LayersModel): tf.LayersModel {
  const last = model.layers[model.layers.length - 1];
  const config = last.getConfig();
  if (last.getClassName() !== 'Activation' || config.activation !== 'softmax') {
    throw new Error(`the model does not end with a softmax layer (it ends with ${last.getClassName()} ${last.name})`);
  }
  return tf.model({ inputs: model.inputs, outputs: last.input as tf.SymbolicTensor });
}
