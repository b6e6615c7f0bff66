import * as tf from '@tensorflow/tfjs';
import type { Activation, Arch, ConvLayer, DenseLayer, Layer, PoolLayer, Shape3 } from '../../space/types.js';
// Not through backends/index.js: that loads tfjs-backend-wasm, which registers its backend on import.
import { seededDropout } from '../../trainer/backends/kernels/dropout.js';
import { applyBatchNorm, type BatchNormPass } from './batch-norm.js';
import { variableSeed } from './seeds.js';
import { PLAIN_SLICES, type SharingRule } from './sharing-rules.js';

/**
 * The sizes every shared weight is cut from: `maxWidth` is the widest channel or unit count any layer of the space
 * can have (and the input's channel count, if wider).
 */
export interface SupernetShape {
  input: Shape3;
  classes: number;
  maxWidth: number;
}

export type PassMode = 'train' | 'calibrate' | 'eval';

export interface Pass extends BatchNormPass {
  /** Dropout seeds in training (the next one each call); dropout is off in the other modes. */
  nextDropoutSeed?: () => number;
}

/** A path's shared weights: every variable it reads, with the leading box of it that it reads. */
export type PathBoxes = Map<string, number[]>;

let instances = 0;

/**
 * The one-shot network: a layer ARCH is a path through it. The sharing rule: layer slot i's convolution of kernel
 * kh x kw owns one kernel of [kh, kw, maxWidth, maxWidth], and a path reads its leading [kh, kw, in, out] box (a
 * narrower layer is a slice of a wider one, as in slimmable networks); bias, batch-norm scale and shift are sliced the
 * same way. A dense (or terminal) layer in slot i that reads an h x w map owns a [h, w, maxWidth, units] kernel and
 * reads its [h, w, in, units] box. Pools and activations have no weights. Variables are made on first use, each from
 * its own seed (the search seed and its name), so the order in which paths appear does not change them.
 */
export class Supernet {
  readonly variables = new Map<string, tf.Variable>();
  private readonly prefix = `supernet${++instances}/`;
  private readonly paths = new Map<string, PathBoxes>();

  constructor(readonly shape: SupernetShape, private readonly seed: number, readonly sharing: SharingRule = PLAIN_SLICES) {}

  /** Logits [N, classes] of the path `arch` for images x [N, h, w, c]. */
  forward(arch: Arch, x: tf.Tensor4D, pass: Pass, used?: PathBoxes): tf.Tensor2D {
    const outputs: tf.Tensor[] = [];
    let current: tf.Tensor = x;
    let pendingDropout = 0;
    arch.forEach((layer, index) => {
      if (layer.type === 'C') {
        current = this.conv(layer, index, current, outputs, x, pass, used);
        const deferred = layer.drop_out > 0 && nextIsMaxPool(arch[index + 1]);
        pendingDropout = deferred ? layer.drop_out : 0;
        current = this.dropout(current, deferred ? 0 : layer.drop_out, pass);
      } else if (layer.type === 'P') {
        current = this.dropout(this.dropout(pool(layer, current), pendingDropout, pass), layer.drop_out, pass);
        pendingDropout = 0;
      } else if (layer.type === 'FC') {
        current = this.dropout(this.dense(layer, index, current, pass, used), layer.drop_out, pass);
      } else {
        current = this.terminal(index, current, used);
      }
      outputs.push(current);
    });
    return current as tf.Tensor2D;
  }

  /** The variables and boxes a path reads, making the missing variables (with a one-image pass). */
  pathOf(arch: Arch): PathBoxes {
    const key = JSON.stringify(arch);
    let boxes = this.paths.get(key);
    if (!boxes) {
      const made = new Map<string, number[]>();
      tf.tidy(() => {
        this.forward(arch, tf.zeros([1, ...this.shape.input]) as tf.Tensor4D, { mode: 'calibrate' }, made);
      });
      boxes = made;
      this.paths.set(key, boxes);
    }
    return boxes;
  }

  /** What a path reads of a shared weight: its leading box `sizes`, scaled as the sharing rule says. */
  weightOf(name: string, sizes: number[]): tf.Tensor {
    const variable = this.variable(name);
    const whole = sizes.every((size, axis) => size === variable.shape[axis]);
    const box = whole ? variable : tf.slice(variable, sizes.map(() => 0), sizes);
    const scale = this.sliceScale(name, variable.shape, sizes);
    return scale === 1 ? box : box.mul(scale);
  }

  /** The tfjs variable of a shared weight, by its name here. */
  variable(name: string): tf.Variable {
    const variable = this.variables.get(name);
    if (!variable) throw new Error(`supernet: no variable ${name}`);
    return variable;
  }

  /** Puts in a weight, e.g. from a checkpoint (replacing the variable if it exists). */
  setVariable(name: string, values: Float32Array, shape: number[]): void {
    const existing = this.variables.get(name);
    const value = tf.tensor(values, shape);
    if (existing && existing.shape.join() === shape.join()) {
      existing.assign(value);
    } else {
      existing?.dispose();
      this.variables.set(name, tf.variable(value, true, this.prefix + name));
    }
    value.dispose(); // the variable holds its own reference to the data
  }

  /** Drops every variable not named in `keep` (made again from its seed on its next use). */
  keepOnly(keep: ReadonlySet<string>): void {
    for (const [name, variable] of this.variables) {
      if (keep.has(name)) continue;
      variable.dispose();
      this.variables.delete(name);
      this.paths.clear();
    }
  }

  /** The shared-weight name of a tfjs variable name (as tf.variableGrads keys its gradients). */
  nameOf(tfName: string): string {
    return tfName.startsWith(this.prefix) ? tfName.slice(this.prefix.length) : tfName;
  }

  dispose(): void {
    for (const variable of this.variables.values()) variable.dispose();
    this.variables.clear();
    this.paths.clear();
  }

  private conv(layer: ConvLayer, index: number, x: tf.Tensor, outputs: tf.Tensor[], input: tf.Tensor, pass: Pass, used?: PathBoxes): tf.Tensor {
    const [kh, kw] = layer.kernel_size;
    const op = `L${index}.C${kh}x${kw}${this.separation(layer)}`;
    const inWidth = x.shape[3]!;
    const { maxWidth } = this.shape;
    const kernel = this.read(`${op}.kernel`, [kh, kw, maxWidth, maxWidth], [kh, kw, inWidth, layer.num_output], heStd(kh * kw * maxWidth, layer.activation), used);
    let y: tf.Tensor = tf.conv2d(x as tf.Tensor4D, kernel as tf.Tensor4D, layer.stride, layer.padding);
    y = this.normaliseOrBias(y, op, index, layer.batch_norm, layer.num_output, pass, used);
    if (layer.skip_from !== null) y = y.add(layer.skip_from === -1 ? input : outputs[layer.skip_from]!);
    return activate(y, layer.activation);
  }

  private dense(layer: DenseLayer, index: number, x: tf.Tensor, pass: Pass, used?: PathBoxes): tf.Tensor {
    const [h, w, inWidth] = mapShape(x);
    const op = `L${index}.FC${h}x${w}`;
    const { maxWidth } = this.shape;
    const kernel = this.read(`${op}.kernel`, [h, w, maxWidth, maxWidth], [h, w, inWidth, layer.num_output], heStd(h * w * maxWidth, layer.activation), used);
    let y: tf.Tensor = flatten(x).matMul(kernel.reshape([h * w * inWidth, layer.num_output]));
    y = this.normaliseOrBias(y, op, index, layer.batch_norm, layer.num_output, pass, used);
    return activate(y, layer.activation);
  }

  private terminal(index: number, x: tf.Tensor, used?: PathBoxes): tf.Tensor {
    const [h, w, inWidth] = mapShape(x);
    const op = `L${index}.T${h}x${w}`;
    const { maxWidth, classes } = this.shape;
    const kernel = this.read(`${op}.kernel`, [h, w, maxWidth, classes], [h, w, inWidth, classes], Math.sqrt(1 / (h * w * maxWidth)), used);
    const bias = this.read(`${op}.bias`, [classes], [classes], 0, used);
    return flatten(x).matMul(kernel.reshape([h * w * inWidth, classes])).add(bias);
  }

  private normaliseOrBias(y: tf.Tensor, op: string, index: number, batchNorm: boolean, width: number, pass: Pass, used?: PathBoxes): tf.Tensor {
    const { maxWidth } = this.shape;
    if (!batchNorm) return y.add(this.read(`${op}.bias`, [maxWidth], [width], 0, used));
    const gamma = this.read(`${op}.gamma`, [maxWidth], [width], 'ones', used);
    const beta = this.read(`${op}.beta`, [maxWidth], [width], 0, used);
    return applyBatchNorm(y, gamma, beta, index, pass);
  }

  private dropout(x: tf.Tensor, percent: number, pass: Pass): tf.Tensor {
    if (percent <= 0 || pass.mode !== 'train') return x;
    const seed = pass.nextDropoutSeed?.();
    return seed === undefined ? tf.dropout(x, percent / 100) : seededDropout(x, percent / 100, seed);
  }

  /** The leading `sizes` box of a shared weight, made on first use (normal with this spread, zeros, or ones). */
  private read(name: string, full: number[], sizes: number[], init: number | 'ones', used?: PathBoxes): tf.Tensor {
    let variable = this.variables.get(name);
    if (!variable) {
      const initial = init === 'ones' ? tf.ones(full) : init === 0 ? tf.zeros(full) : tf.randomNormal(full, 0, init, 'float32', variableSeed(this.seed, name));
      variable = tf.variable(initial, true, this.prefix + name);
      initial.dispose();
      this.variables.set(name, variable);
    }
    used?.set(name, sizes);
    return this.weightOf(name, sizes);
  }

  private sliceScale(name: string, full: readonly number[], sizes: readonly number[]): number {
    if (!this.sharing.scaleSlices || !name.endsWith('.kernel')) return 1;
    const fanIn = (dims: readonly number[]) => dims.slice(0, -1).reduce((product, size) => product * size, 1);
    return Math.sqrt(fanIn(full) / fanIn(sizes));
  }

  /** The part of a convolution's weight names that the separated choices add. */
  private separation(layer: ConvLayer): string {
    const parts = this.sharing.separate.map((choice) => (choice === 'batch_norm' ? (layer.batch_norm ? 'bn' : 'plain') : `s${layer.stride.join('x')}`));
    return parts.map((part) => `.${part}`).join('');
  }
}

function nextIsMaxPool(next: Layer | undefined): boolean {
  return next?.type === 'P' && next.pool === 'max';
}

function pool(layer: PoolLayer, x: tf.Tensor): tf.Tensor {
  if (layer.pool === 'global_avg') return x.mean([1, 2], true);
  const poolFn = layer.pool === 'max' ? tf.maxPool : tf.avgPool;
  return poolFn(x as tf.Tensor4D, layer.kernel_size, layer.stride, layer.padding);
}

/** [h, w, c] of a map; a vector of c is a 1 x 1 map. */
function mapShape(x: tf.Tensor): [number, number, number] {
  return x.rank === 4 ? [x.shape[1]!, x.shape[2]!, x.shape[3]!] : [1, 1, x.shape[1]!];
}

function flatten(x: tf.Tensor): tf.Tensor2D {
  return x.reshape([x.shape[0]!, -1]) as tf.Tensor2D;
}

function activate(x: tf.Tensor, activation: Activation): tf.Tensor {
  switch (activation) {
    case 'relu': return tf.relu(x);
    case 'elu': return tf.elu(x);
    case 'selu': return tf.selu(x);
    case 'tanh': return tf.tanh(x);
    case 'sigmoid': return tf.sigmoid(x);
    case 'linear': return x;
  }
}

/**
 * He-normal spread for the ReLU family, Glorot-like otherwise. The fan-in is that of the full (widest) kernel, so a
 * narrow path starts with small weights; batch norm, where a path has it, makes up for that.
 */
function heStd(fanIn: number, activation: Activation): number {
  return Math.sqrt((['relu', 'elu', 'selu'].includes(activation) ? 2 : 1) / fanIn);
}
