/**
 * Self-describing models: the input normalisation a model was trained with, baked into the model as a stock tfjs
 * layer, so that raw pixels (0-255, HWC, float32) go straight in wherever stock tfjs runs (a browser, Node).
 *
 * The normalising layer is a 1x1 depthwise convolution with fixed weights: per channel c, a scale of
 * 1 / (255 std[c]) and a bias of -mean[c] / std[c], which is (pixel / 255 - mean[c]) / std[c], the same map as the
 * training batches' (src/data/batches.ts; a channel with std 0 is only centred there, and here).
 */
import * as tf from '@tensorflow/tfjs';
import type { Normalisation } from '../../data/types.js';
import { loadModel, saveModel } from './file-io.js';

/** The name of the normalising layer in an exported model (how a baked model is told from a bare one). */
export const NORMALISE_LAYER = 'nas_input_normalisation';
/** The name of an exported model's input: raw pixels. */
export const RAW_INPUT = 'nas_raw_pixels';

/** The scale and bias per channel that turn a raw pixel v into (v / 255 - mean) / std. */
export function normalisationWeights(norm: Normalisation): { scale: number[]; bias: number[] } {
  const std = norm.std.map((s) => (s > 0 ? s : 1));
  return { scale: std.map((s) => 1 / (255 * s)), bias: norm.mean.map((m, c) => -m / std[c]) };
}

/** Whether `model` already takes raw pixels (it holds the normalising layer). */
export function hasInputNormalisation(model: tf.LayersModel): boolean {
  return model.layers.some((layer) => layer.name === NORMALISE_LAYER);
}

/**
 * A new model that takes raw pixels: an input, the normalising layer, then `model`'s own layers (the same layer
 * objects, so the same weights) wired as they are in `model`. Stock layers only: stock tfjs loads it. The two models
 * share their weights, which are freed once both are disposed.
 */
export function withInputNormalisation(model: tf.LayersModel, norm: Normalisation): tf.LayersModel {
  if (model.inputs.length !== 1 || model.outputs.length !== 1) throw new Error('only a model with one input and one output can be exported');
  if (hasInputNormalisation(model)) throw new Error('the model already normalises its input');
  const shape = model.inputs[0].shape.slice(1) as number[];
  const channels = shape[shape.length - 1];
  if (norm.mean.length !== channels || norm.std.length !== channels) {
    throw new Error(`the normalisation has ${norm.mean.length} channels, the model's input ${channels}`);
  }
  const input = tf.input({ shape, name: RAW_INPUT, dtype: 'float32' });
  const normaliser = tf.layers.depthwiseConv2d({ name: NORMALISE_LAYER, kernelSize: 1, depthMultiplier: 1, useBias: true, trainable: false });
  const normalised = normaliser.apply(input) as tf.SymbolicTensor;
  const { scale, bias } = normalisationWeights(norm);
  const weights = [tf.tensor4d(scale, [1, 1, channels, 1]), tf.tensor1d(bias)];
  try {
    normaliser.setWeights(weights);
  } finally {
    tf.dispose(weights);
  }
  const [output] = rewire(model, new Map([[model.inputs[0].id, normalised]]));
  return tf.model({ inputs: input, outputs: output, name: `${model.name}_raw_pixels` });
}

/**
 * `model`'s graph applied anew from `inputs` (symbolic tensor id in `model` -> its replacement): each layer (in the
 * topological order tfjs keeps) is called again on the replacements of its inputs. Returns `model`'s outputs there.
 */
function rewire(model: tf.LayersModel, inputs: Map<number, tf.SymbolicTensor>): tf.SymbolicTensor[] {
  const replaced = new Map(inputs);
  const lookup = (tensor: tf.SymbolicTensor): tf.SymbolicTensor => {
    const found = replaced.get(tensor.id);
    if (!found) throw new Error(`layer input ${tensor.name} comes before its layer`);
    return found;
  };
  for (const layer of model.layers) {
    if (layer.getClassName() === 'InputLayer') continue;
    if (layer.inboundNodes.length !== 1) throw new Error(`layer ${layer.name} is used ${layer.inboundNodes.length} times; export needs each layer once`);
    const node = layer.inboundNodes[0];
    const ins = node.inputTensors.map(lookup);
    const out = layer.apply(ins.length === 1 ? ins[0] : ins, node.callArgs) as tf.SymbolicTensor | tf.SymbolicTensor[];
    const outs = Array.isArray(out) ? out : [out];
    node.outputTensors.forEach((tensor, i) => replaced.set(tensor.id, outs[i]));
  }
  return model.outputs.map(lookup);
}

/**
 * Reads the model saved in folder `from` (LayersModel format), bakes `norm` into it unless it holds the normalising
 * layer already, and saves the result in folder `to` (which may be `from`). Says whether it baked.
 */
export async function saveWithInputNormalisation(from: string, to: string, norm: Normalisation): Promise<{ baked: boolean }> {
  // As the search's controller does: without prod mode tfjs greets the process with a banner on stderr.
  if (!tf.env().getBool('PROD')) tf.enableProdMode();
  const model = await loadModel(from);
  try {
    if (hasInputNormalisation(model)) {
      await saveModel(model, to);
      return { baked: false };
    }
    const raw = withInputNormalisation(model, norm);
    try {
      await saveModel(raw, to);
    } finally {
      raw.dispose();
    }
    return { baked: true };
  } finally {
    model.dispose();
  }
}
