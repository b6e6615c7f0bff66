/**
 * Products big enough for the kernel pool's threads (kernels/threaded-product.ts), one per way of cutting
 * them: by positions into copies of out (few filter rows; many rows; a dense forward product) and by bands of
 * rows (a dense weight gradient, whose positions are the batch; a filter gradient too large to copy often);
 * and streaming passes over more than MIN_PARALLEL_BYTES (kernels/threads/row-pieces.ts).
 */
import * as tf from '@tensorflow/tfjs';
import { ADAM_UPDATE_KERNEL } from '../../../src/trainer/backends/kernels/adam-update.js';
import { batchNormTraining } from '../../../src/trainer/backends/kernels/batch-norm.js';
import { seededDropout } from '../../../src/trainer/backends/index.js';
import { randomInput, type Input } from './helpers.js';

export interface ThreadedCase {
  what: string;
  inputs: Input[];
  compute: (...t: tf.Tensor[]) => tf.Tensor[];
}

function filterGradient(x: [number, number, number, number], kernel: number, outChannels: number, stride: number): ThreadedCase {
  const filterShape: [number, number, number, number] = [kernel, kernel, x[3], outChannels];
  const outShape = tf.backend_util.computeConv2DInfo(x, filterShape, stride, 1, 'same').outShape;
  return {
    what: `conv dW: ${x.join('x')}, ${kernel}x${kernel} -> ${outChannels}, stride ${stride}`,
    inputs: [randomInput(x, 11), randomInput(outShape, 12)],
    compute: (input, dy) => [tf.grad((w: tf.Tensor) => tf.sum(tf.mul(tf.conv2d(input as tf.Tensor4D, w as tf.Tensor4D, stride, 'same'), dy)))(tf.zeros(filterShape))],
  };
}

/** tfjs-layers' own batch norm in training: the reference on cpu, where the fused kernel is not registered. */
function stockBatchNorm(x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor): tf.Tensor {
  const { mean, variance } = tf.moments(x, [0, 1, 2]);
  return tf.batchNorm(x, mean, variance, beta as tf.Tensor1D, gamma as tf.Tensor1D, 1e-3);
}

/** An activation of a 28x28x32 layer at batch 64: 6.4 MB. */
const ACTIVATION = [64, 28, 28, 32];

function activationGradient(what: string, f: (x: tf.Tensor) => tf.Tensor): ThreadedCase {
  return {
    what,
    inputs: [randomInput(ACTIVATION, 21), randomInput(ACTIVATION, 22)],
    compute: (x, r) => [f(x), tf.grad((a: tf.Tensor) => tf.sum(tf.mul(f(a), r)))(x)],
  };
}

const ADAM = { learningRate: 0.01, beta1: 0.9, beta2: 0.999, epsilon: 1e-7, correction1: 0.19, correction2: 0.003 };

/** Adam's update as the kernel on wasm, as tfjs ops elsewhere (the kernel is wasm's only). */
function adamUpdate(x: tf.Tensor, g: tf.Tensor, m: tf.Tensor, v: tf.Tensor): tf.Tensor[] {
  const { learningRate, beta1, beta2, epsilon, correction1, correction2 } = ADAM;
  if (tf.getBackend() === 'wasm') return tf.engine().runKernel(ADAM_UPDATE_KERNEL, { x, g, m: tf.abs(m), v: tf.abs(v) }, ADAM as unknown as tf.NamedAttrMap) as tf.Tensor[];
  const first = tf.add(tf.mul(beta1, tf.abs(m)), tf.mul(1 - beta1, g));
  const second = tf.add(tf.mul(beta2, tf.abs(v)), tf.mul(1 - beta2, tf.square(g)));
  const step = tf.div(tf.mul(learningRate / correction1, first), tf.add(tf.div(tf.sqrt(second), Math.sqrt(correction2)), epsilon));
  return [tf.sub(x, step), first, second];
}

export const THREADED_CASES: ThreadedCase[] = [
  filterGradient([16, 28, 28, 1], 5, 32, 1),
  filterGradient([8, 14, 14, 64], 3, 64, 1),
  filterGradient([4, 8, 8, 128], 5, 512, 2),
  {
    what: 'conv dx by columns (kernels/columns-input-gradient.ts): 32x8x8x128, 5x5 -> 512, stride 2',
    inputs: [randomInput([32, 4, 4, 512], 44), randomInput([5, 5, 128, 512], 45)],
    compute: (dy, w) => [tf.grad((x: tf.Tensor) => tf.sum(tf.mul(tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, 2, 'same'), dy)))(tf.zeros([32, 8, 8, 128]))],
  },
  {
    what: 'a first layer\'s forward convolution (narrow input): 8x28x28x1 by 5x5x1x64, with a bias',
    inputs: [randomInput([8, 28, 28, 1], 41), randomInput([5, 5, 1, 64], 42), randomInput([64], 43)],
    compute: (x, w, bias) => [tf.fused.conv2d({ x: x as tf.Tensor4D, filter: w as tf.Tensor4D, strides: 1, pad: 'same', bias })],
  },
  { what: 'dense forward: 64x3000 by 3000x64', inputs: [randomInput([64, 3000], 13), randomInput([3000, 64], 14)], compute: (a, b) => [tf.matMul(a, b)] },
  { what: 'dense dx in dot-product form: 64x128 by (2000x128)ᵀ', inputs: [randomInput([64, 128], 17), randomInput([2000, 128], 18)], compute: (a, b) => [tf.matMul(a, b, false, true)] },
  { what: 'dense dW: (64x2000)ᵀ by 64x128', inputs: [randomInput([64, 2000], 15), randomInput([64, 128], 16)], compute: (a, b) => [tf.matMul(a, b, true, false)] },
  activationGradient('relu and its gradient', (x) => tf.relu(x)),
  activationGradient('elu and its gradient', (x) => tf.elu(x)),
  activationGradient('dropout and its gradient', (x) => seededDropout(x, 0.3, 12345)),
  {
    what: 'max-pool 2x2 and its gradient',
    inputs: [randomInput(ACTIVATION, 27), randomInput([64, 14, 14, 32], 28)],
    compute: (x, r) => [tf.maxPool(x as tf.Tensor4D, 2, 2, 'valid'), tf.grad((a: tf.Tensor) => tf.sum(tf.mul(tf.maxPool(a as tf.Tensor4D, 2, 2, 'valid'), r)))(x)],
  },
  {
    what: 'avg-pool 2x2 and its gradient',
    inputs: [randomInput(ACTIVATION, 29), randomInput([64, 14, 14, 32], 30)],
    compute: (x, r) => [tf.avgPool(x as tf.Tensor4D, 2, 2, 'valid'), tf.grad((a: tf.Tensor) => tf.sum(tf.mul(tf.avgPool(a as tf.Tensor4D, 2, 2, 'valid'), r)))(x)],
  },
  {
    what: 'a bias gradient: the sum over every axis but the channels',
    inputs: [randomInput(ACTIVATION, 32)],
    compute: (x) => [tf.sum(x, [0, 1, 2]), tf.sum(x.reshape([-1, 32]), 0, true)],
  },
  {
    what: 'batch norm in training and its gradients',
    inputs: [randomInput(ACTIVATION, 23), randomInput([32], 24), randomInput([32], 25), randomInput(ACTIVATION, 26)],
    compute: (x, gamma, beta, r) => {
      const normalise = (a: tf.Tensor, g: tf.Tensor) => (tf.getBackend() === 'wasm' ? batchNormTraining(a, g as tf.Tensor1D, beta as tf.Tensor1D, 1e-3)[0] : stockBatchNorm(a, g, beta));
      return [normalise(x, gamma), ...tf.grads((a: tf.Tensor, g: tf.Tensor) => tf.sum(tf.mul(normalise(a, g), r)))([x, gamma])];
    },
  },
  { what: 'an Adam update of 1M weights', inputs: [0, 1, 2, 3].map((i) => randomInput([1 << 20], 31 + i)), compute: adamUpdate },
];
