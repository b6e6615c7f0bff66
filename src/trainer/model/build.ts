import * as tf from '@tensorflow/tfjs';
import type { Activation, Arch, ConvLayer, DenseLayer, Layer, PoolLayer, Shape3 } from '../../space/types.js';
import { ArchError } from '../../errors.js';
import { kernelInitializer } from './initializers.js';
import { SeedStream } from './seeds.js';

export interface BuildOptions {
  /** Seeds every initializer (same seed, same initial weights). */
  seed: number;
}

/** Tensors built so far: `outputs[i]` is the output of ARCH layer i, for skip connections. */
interface BuildState {
  input: tf.SymbolicTensor;
  current: tf.SymbolicTensor;
  outputs: tf.SymbolicTensor[];
  seeds: SeedStream;
  classes: number;
}

/**
 * Builds the child CNN of a normalised ARCH (every field present) with the functional API.
 * The terminal layer is a softmax dense layer over `classes`.
 */
export function buildModel(arch: Arch, input: Shape3, classes: number, options: BuildOptions): tf.LayersModel {
  const inputTensor = tf.input({ shape: input });
  const state: BuildState = {
    input: inputTensor,
    current: inputTensor,
    outputs: [],
    seeds: new SeedStream(options.seed, 'init'),
    classes,
  };
  arch.forEach((layer, index) => {
    state.current = addLayer(state, layer, index);
    state.outputs.push(state.current);
  });
  return tf.model({ inputs: inputTensor, outputs: state.current });
}

function addLayer(state: BuildState, layer: Layer, index: number): tf.SymbolicTensor {
  switch (layer.type) {
    case 'C':
      return addConv(state, layer, index);
    case 'P':
      return addPool(state, layer);
    case 'FC':
      return addDense(state, layer);
    case 'T':
      return apply(tf.layers.dense({
        units: state.classes,
        activation: 'softmax',
        kernelInitializer: kernelInitializer('softmax', state.seeds),
      }), flattened(state.current));
  }
}

function addConv(state: BuildState, layer: ConvLayer, index: number): tf.SymbolicTensor {
  let x = apply(tf.layers.conv2d({
    filters: layer.num_output,
    kernelSize: layer.kernel_size,
    strides: layer.stride,
    padding: layer.padding,
    useBias: !layer.batch_norm,
    kernelInitializer: kernelInitializer(layer.activation, state.seeds),
  }), state.current);
  if (layer.batch_norm) x = apply(tf.layers.batchNormalization(), x);
  if (layer.skip_from !== null) x = apply(tf.layers.add(), [x, skipSource(state, layer.skip_from, index, x)]);
  return activationAndDropout(x, layer.activation, layer.drop_out);
}

function addPool(state: BuildState, layer: PoolLayer): tf.SymbolicTensor {
  let x: tf.SymbolicTensor;
  if (layer.pool === 'global_avg') {
    const channels = state.current.shape[3] as number;
    x = apply(tf.layers.globalAveragePooling2d({}), state.current);
    // Kept [1, 1, C] so any following layer sees an image; dense layers flatten it.
    x = apply(tf.layers.reshape({ targetShape: [1, 1, channels] }), x);
  } else {
    const config = { poolSize: layer.kernel_size, strides: layer.stride, padding: layer.padding };
    x = apply(layer.pool === 'max' ? tf.layers.maxPooling2d(config) : tf.layers.averagePooling2d(config), state.current);
  }
  return withDropout(x, layer.drop_out);
}

function addDense(state: BuildState, layer: DenseLayer): tf.SymbolicTensor {
  let x = apply(tf.layers.dense({
    units: layer.num_output,
    useBias: !layer.batch_norm,
    kernelInitializer: kernelInitializer(layer.activation, state.seeds),
  }), flattened(state.current));
  if (layer.batch_norm) x = apply(tf.layers.batchNormalization(), x);
  return activationAndDropout(x, layer.activation, layer.drop_out);
}

function skipSource(state: BuildState, from: number, index: number, target: tf.SymbolicTensor): tf.SymbolicTensor {
  const source = from === -1 ? state.input : state.outputs[from];
  if (source === undefined || from >= index) {
    throw new ArchError(`skip_from ${from} does not name an earlier layer`, index, 'skip_from');
  }
  if (source.shape.join() !== target.shape.join()) {
    throw new ArchError(
      `skip_from ${from} has shape [${source.shape.slice(1)}], this layer [${target.shape.slice(1)}]`,
      index,
      'skip_from',
    );
  }
  return source;
}

function activationAndDropout(x: tf.SymbolicTensor, activation: Activation, dropOutPercent: number): tf.SymbolicTensor {
  const activated = activation === 'linear' ? x : apply(tf.layers.activation({ activation }), x);
  return withDropout(activated, dropOutPercent);
}

function withDropout(x: tf.SymbolicTensor, dropOutPercent: number): tf.SymbolicTensor {
  return dropOutPercent > 0 ? apply(tf.layers.dropout({ rate: dropOutPercent / 100 }), x) : x;
}

function flattened(x: tf.SymbolicTensor): tf.SymbolicTensor {
  return x.shape.length > 2 ? apply(tf.layers.flatten(), x) : x;
}

function apply(layer: tf.layers.Layer, x: tf.SymbolicTensor | tf.SymbolicTensor[]): tf.SymbolicTensor {
  return layer.apply(x) as tf.SymbolicTensor;
}
