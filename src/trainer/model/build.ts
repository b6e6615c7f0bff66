import * as tf from '@tensorflow/tfjs';
import type { Activation, Arch, ConvLayer, DenseLayer, Layer, PoolLayer, Shape3 } from '../../space/types.js';
import { ArchError } from '../../errors.js';
import { batchNormalization, type TrainingBatchNormalization } from './batch-norm-layer.js';
import { maxPoolingAfterBatchNorm } from './max-pool-layer.js';
import { dropout } from './dropout-layer.js';
import { kernelInitializer } from './initializers.js';
import { SeedStream } from './seeds.js';

export interface BuildOptions {
  /** Seeds every initializer (same seed, same initial weights). */
  seed: number;
  /**
   * 'random' (default): He / Glorot initial weights. 'zeros': all-zero kernels, a cheap build of the same
   * topology for counting parameters or checking shapes, not for training.
   */
  initialWeights?: 'random' | 'zeros';
  /** Whether a batch norm and the max pool after it train as one op where they can (default true; see poolTakesBatchNorm). */
  fusePools?: boolean;
}

/**
 * Builds the child CNN of a normalised ARCH (every field present) with the functional API.
 * The terminal layer is a softmax dense layer over `classes`. A build that fails frees what it made.
 */
export function buildModel(arch: Arch, input: Shape3, classes: number, options: BuildOptions): tf.LayersModel {
  return new ModelBuilder(input, classes, options).build(arch);
}

/**
 * A conv's dropout is applied after the max pool that directly follows it, not before: the max of
 * inverted-dropout values is larger than the max of the clean ones, so the layers above would see larger
 * activations in training than at test time. After the pool, dropout keeps the mean.
 * Why: see BENCHMARKS.md, "Dropout after the max pool".
 */
function deferredDropout(layer: ConvLayer, next: Layer | undefined): boolean {
  return layer.drop_out > 0 && next?.type === 'P' && next.pool === 'max';
}

/**
 * A conv's ReLU or ELU is applied after the max pool that directly follows it: both are non-decreasing, so
 * act(pool(x)) = pool(act(x)), values and gradients alike (the pool picks the same element, or one where the
 * gradient is 0 either way), and the activation and its gradient run on a quarter of the values. Not where a
 * later layer's skip reads the conv's own output.
 */
function deferredActivation(arch: Arch, index: number): boolean {
  const [layer, next] = [arch[index], arch[index + 1]];
  if (layer?.type !== 'C' || next?.type !== 'P' || next.pool !== 'max') return false;
  return (layer.activation === 'relu' || layer.activation === 'elu') && !arch.some((l) => l.type === 'C' && l.skip_from === index);
}

/**
 * A conv's batch norm and the 2x2 max pool right after it train as one op (model/max-pool-layer.ts): where the
 * pool takes the batch norm's output as it is (the conv has no skip of its own, its activation and dropout follow
 * the pool, and no later skip reads the conv's output).
 */
function poolTakesBatchNorm(arch: Arch, index: number): boolean {
  const [layer, next] = [arch[index], arch[index + 1]];
  if (layer?.type !== 'C' || !layer.batch_norm || layer.skip_from !== null) return false;
  if (next?.type !== 'P' || next.pool !== 'max' || !isTwoByTwo(next.kernel_size) || !isTwoByTwo(next.stride)) return false;
  const activationAfterPool = layer.activation === 'linear' || deferredActivation(arch, index);
  const dropoutAfterPool = layer.drop_out === 0 || deferredDropout(layer, next);
  return activationAfterPool && dropoutAfterPool && !arch.some((l) => l.type === 'C' && l.skip_from === index);
}

function isTwoByTwo(pair: [number, number]): boolean {
  return pair[0] === 2 && pair[1] === 2;
}

/**
 * The conv's deferred dropout and the pool's own as one layer: two independent inverted dropouts in a row keep
 * an element with probability (1 - p)(1 - q) and scale it by the inverse, exactly what one dropout of rate
 * 1 - (1 - p)(1 - q) does, in half the passes.
 */
function combinedDropout(p: number, q: number): number {
  if (p === 0 || q === 0) return p + q;
  return 100 - ((100 - p) * (100 - q)) / 100;
}

class ModelBuilder {
  private readonly input: tf.SymbolicTensor;
  private current: tf.SymbolicTensor;
  /** `outputs[i]` is the output of ARCH layer i, for skip connections. */
  private readonly outputs: tf.SymbolicTensor[] = [];
  private readonly made: tf.layers.Layer[] = [];
  private readonly seeds: SeedStream;
  /** Dropout percent of a conv, held back to follow the max pool right after it (see deferredDropout). */
  private pendingDropout = 0;
  /** A conv's activation, held back to follow the max pool right after it (see deferredActivation). */
  private pendingActivation: Activation = 'linear';
  /** A conv's batch norm that trains with the max pool right after it (see poolTakesBatchNorm). */
  private pendingBatchNorm: TrainingBatchNormalization | null = null;

  constructor(inputShape: Shape3, private readonly classes: number, private readonly options: BuildOptions) {
    this.input = tf.input({ shape: inputShape });
    this.current = this.input;
    this.seeds = new SeedStream(options.seed, 'init');
  }

  build(arch: Arch): tf.LayersModel {
    try {
      arch.forEach((layer, index) => {
        const fusePool = (this.options.fusePools ?? true) && poolTakesBatchNorm(arch, index);
        this.current = this.addLayer(layer, index, arch[index + 1], deferredActivation(arch, index), fusePool);
        this.outputs.push(this.current);
      });
      return tf.model({ inputs: this.input, outputs: this.current });
    } catch (error) {
      // Applying a layer creates its weight variables: free them, or they outlive the failed build.
      for (const layer of this.made) layer.weights.forEach((weight) => weight.dispose());
      throw error;
    }
  }

  private addLayer(layer: Layer, index: number, next: Layer | undefined, deferActivation: boolean, poolTakesNorm: boolean): tf.SymbolicTensor {
    switch (layer.type) {
      case 'C':
        return this.addConv(layer, index, next, deferActivation, poolTakesNorm);
      case 'P':
        return this.addPool(layer);
      case 'FC':
        return this.addDense(layer);
      case 'T': {
        // Softmax as its own layer, so that training can take the logits before it (see logitsModel).
        const logits = this.apply(tf.layers.dense({
          units: this.classes,
          kernelInitializer: this.kernelInitializer('softmax'),
        }), this.flattened(this.current));
        return this.apply(tf.layers.activation({ activation: 'softmax' }), logits);
      }
    }
  }

  private addConv(layer: ConvLayer, index: number, next: Layer | undefined, deferActivation: boolean, poolTakesNorm: boolean): tf.SymbolicTensor {
    let x = this.apply(tf.layers.conv2d({
      filters: layer.num_output,
      kernelSize: layer.kernel_size,
      strides: layer.stride,
      padding: layer.padding,
      useBias: !layer.batch_norm,
      kernelInitializer: this.kernelInitializer(layer.activation),
    }), this.current);
    if (layer.batch_norm) {
      const norm = batchNormalization();
      x = this.apply(norm, x);
      if (poolTakesNorm) this.pendingBatchNorm = norm;
    }
    if (layer.skip_from !== null) x = this.apply(tf.layers.add(), [x, this.skipSource(layer.skip_from, index, x)]);
    const dropOut = deferredDropout(layer, next) ? 0 : layer.drop_out;
    this.pendingDropout = layer.drop_out - dropOut;
    this.pendingActivation = deferActivation ? layer.activation : 'linear';
    return this.activationAndDropout(x, deferActivation ? 'linear' : layer.activation, dropOut);
  }

  private addPool(layer: PoolLayer): tf.SymbolicTensor {
    let x: tf.SymbolicTensor;
    if (layer.pool === 'global_avg') {
      const channels = this.current.shape[3] as number;
      x = this.apply(tf.layers.globalAveragePooling2d({}), this.current);
      // Kept [1, 1, C] so any following layer sees an image; dense layers flatten it.
      x = this.apply(tf.layers.reshape({ targetShape: [1, 1, channels] }), x);
    } else {
      const config = { poolSize: layer.kernel_size, strides: layer.stride, padding: layer.padding };
      const pool = this.pendingBatchNorm !== null ? maxPoolingAfterBatchNorm(config, this.pendingBatchNorm)
        : layer.pool === 'max' ? tf.layers.maxPooling2d(config) : tf.layers.averagePooling2d(config);
      this.pendingBatchNorm = null;
      x = this.apply(pool, this.current);
    }
    x = this.activationAndDropout(x, this.pendingActivation, combinedDropout(this.pendingDropout, layer.drop_out));
    [this.pendingActivation, this.pendingDropout] = ['linear', 0];
    return x;
  }

  private addDense(layer: DenseLayer): tf.SymbolicTensor {
    let x = this.apply(tf.layers.dense({
      units: layer.num_output,
      useBias: !layer.batch_norm,
      kernelInitializer: this.kernelInitializer(layer.activation),
    }), this.flattened(this.current));
    if (layer.batch_norm) x = this.apply(batchNormalization(), x);
    return this.activationAndDropout(x, layer.activation, layer.drop_out);
  }

  private skipSource(from: number, index: number, target: tf.SymbolicTensor): tf.SymbolicTensor {
    const source = from === -1 ? this.input : this.outputs[from];
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

  private activationAndDropout(x: tf.SymbolicTensor, activation: Activation, dropOutPercent: number): tf.SymbolicTensor {
    const activated = activation === 'linear' ? x : this.apply(tf.layers.activation({ activation }), x);
    return this.withDropout(activated, dropOutPercent);
  }

  private withDropout(x: tf.SymbolicTensor, dropOutPercent: number): tf.SymbolicTensor {
    return dropOutPercent > 0 ? this.apply(dropout({ rate: dropOutPercent / 100 }), x) : x;
  }

  private flattened(x: tf.SymbolicTensor): tf.SymbolicTensor {
    return x.shape.length > 2 ? this.apply(tf.layers.flatten(), x) : x;
  }

  private kernelInitializer(activation: Activation | 'softmax'): ReturnType<typeof kernelInitializer> {
    return this.options.initialWeights === 'zeros' ? tf.initializers.zeros() : kernelInitializer(activation, this.seeds);
  }

  private apply(layer: tf.layers.Layer, x: tf.SymbolicTensor | tf.SymbolicTensor[]): tf.SymbolicTensor {
    this.made.push(layer);
    return layer.apply(x) as tf.SymbolicTensor;
  }
}
