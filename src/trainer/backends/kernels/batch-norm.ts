/**
 * Batch normalisation in training as four passes over the activation. tfjs-layers computes it as tf.moments
 * (Mean, Cast, Sub, Square, Mean) and FusedBatchNorm, and autodiff takes the gradient of each of those ops:
 * about 25 single-threaded elementwise kernels per layer and step (Multiply, Sub, Square, Cast, RealDiv, Add,
 * Sum, Tile), a fifth of a training step of a residual batch-norm network (issue 20).
 *
 * Here one kernel gives y, the batch mean and the (biased) batch variance over every axis but the last: one
 * pass for the per-channel sums (in double precision, of x minus x's first row so that a large mean does not
 * cancel the variance away), one to write y = S x + T. Its gradient is two more: one for the per-channel sums
 * of dy and dy (x - mean) (the offset's and the scale's gradients), one for dx = A dy + B x + K. The
 * gradient also takes what reaches the mean and variance outputs (zero in a layer, where they only feed the
 * moving averages). The passes are SIMD loops on the heap (batch-norm-passes.ts); model/batch-norm-layer.ts
 * is the layer that trains through this op.
 */
import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import type { KernelArgs } from './compose.js';
import { affineRows, channelSums, firstRow, type ChannelSums } from './batch-norm-passes.js';

export const BATCH_NORM_TRAINING = 'NasBatchNormTraining';
const GRADIENT_SUMS = 'NasBatchNormGradSums';
const INPUT_GRADIENT = 'NasBatchNormGradInput';

export interface Attrs {
  varianceEpsilon: number;
}

type Inputs<K extends string> = Record<K, tf.TensorInfo>;

export function channelsOf(x: tf.TensorInfo): number {
  return x.shape[x.shape.length - 1];
}

function floats(wasm: BackendWasm, t: tf.TensorInfo): Float32Array {
  return wasm.typedArrayFromHeap(t) as Float32Array;
}

function batchNormTrainingKernel({ inputs, backend, attrs }: KernelArgs): tf.TensorInfo[] {
  const { x, scale, offset } = inputs as Inputs<'x' | 'scale' | 'offset'>;
  const wasm = backend as unknown as BackendWasm;
  const c = channelsOf(x);
  const outputs = [wasm.makeOutput(x.shape, 'float32'), wasm.makeOutput([c], 'float32'), wasm.makeOutput([c], 'float32')];
  const { slope, intercept } = batchStatistics(wasm, x, scale, offset, outputs[1], outputs[2], (attrs as unknown as Attrs).varianceEpsilon);
  affineRows(wasm, outputs[0], x, slope, intercept);
  return outputs;
}

/**
 * The batch's mean and (biased) variance per channel of x, written to `meanOut` and `varianceOut`, and the map
 * y = slope x + intercept that normalises, scales by `scale` and shifts by `offset`.
 */
export function batchStatistics(
  wasm: BackendWasm, x: tf.TensorInfo, scale: tf.TensorInfo, offset: tf.TensorInfo, meanOut: tf.TensorInfo, varianceOut: tf.TensorInfo, varianceEpsilon: number,
): { slope: Float64Array; intercept: Float64Array } {
  const c = channelsOf(x);
  const count = tf.util.sizeFromShape(x.shape) / c;
  const shift = firstRow(wasm, x);
  const sums = channelSums(wasm, x, null);
  // Views only after the allocations above: growing the heap detaches earlier ones.
  const [means, variances, gamma, beta] = [meanOut, varianceOut, scale, offset].map((t) => floats(wasm, t));
  const slope = new Float64Array(c);
  const intercept = new Float64Array(c);
  for (let ch = 0; ch < c; ch++) {
    const shiftedMean = sums.g[ch] / count;
    const mean = shift[ch] + shiftedMean;
    const variance = Math.max(0, sums.gd[ch] / count - shiftedMean * shiftedMean);
    means[ch] = mean;
    variances[ch] = variance;
    slope[ch] = gamma[ch] / Math.sqrt(variance + varianceEpsilon);
    intercept[ch] = beta[ch] - mean * slope[ch];
  }
  return { slope, intercept };
}

/** [sum of dy, sum of dy (x - mean) / sqrt(variance + epsilon)] per channel: the offset's and scale's gradients. */
function gradientSumsKernel({ inputs, backend, attrs }: KernelArgs): tf.TensorInfo[] {
  const { dy, x, mean, variance } = inputs as Inputs<'dy' | 'x' | 'mean' | 'variance'>;
  const { varianceEpsilon } = attrs as unknown as Attrs;
  const wasm = backend as unknown as BackendWasm;
  return parameterGradients(wasm, channelSums(wasm, x, mean, dy), variance, varianceEpsilon);
}

/** [offset's gradient, scale's gradient] as [C] outputs, from the sums of dy and dy (x - mean). */
export function parameterGradients(wasm: BackendWasm, sums: ChannelSums, variance: tf.TensorInfo, varianceEpsilon: number): tf.TensorInfo[] {
  const c = sums.g.length;
  const outputs = [wasm.makeOutput([c], 'float32'), wasm.makeOutput([c], 'float32')];
  const [offsetGradient, scaleGradient, sigma2] = [...outputs, variance].map((t) => floats(wasm, t));
  for (let ch = 0; ch < c; ch++) {
    offsetGradient[ch] = sums.g[ch];
    scaleGradient[ch] = sums.gd[ch] / Math.sqrt(sigma2[ch] + varianceEpsilon);
  }
  return outputs;
}

function inputGradientKernel({ inputs, backend, attrs }: KernelArgs): tf.TensorInfo {
  const named = inputs as InputGradientInputs;
  const wasm = backend as unknown as BackendWasm;
  const out = wasm.makeOutput(named.x.shape, 'float32');
  const { a, b, k } = inputGradientCoefficients(wasm, named, (attrs as unknown as Attrs).varianceEpsilon);
  affineRows(wasm, out, named.dy, a, k, named.x, b);
  return out;
}

export type InputGradientInputs = Inputs<'dy' | 'x' | 'mean' | 'variance' | 'scale' | 'offsetGradient' | 'scaleGradient' | 'dMean' | 'dVariance'>;

/**
 * dx = gamma r (dy - dOffset / N - xhat dScale / N) + dMean / N + 2 dVariance (x - mean) / N, with
 * r = 1 / sqrt(variance + epsilon), xhat = (x - mean) r and N the elements per channel of x:
 * A dy + B x + K per channel.
 */
export function inputGradientCoefficients(wasm: BackendWasm, named: InputGradientInputs, varianceEpsilon: number): { a: Float64Array; b: Float64Array; k: Float64Array } {
  const c = channelsOf(named.x);
  const n = tf.util.sizeFromShape(named.x.shape) / c;
  const [mu, sigma2, gamma] = [named.mean, named.variance, named.scale].map((t) => floats(wasm, t));
  const [dOffset, dScale, dMean, dVariance] = [named.offsetGradient, named.scaleGradient, named.dMean, named.dVariance].map((t) => floats(wasm, t));
  const a = new Float64Array(c);
  const b = new Float64Array(c);
  const k = new Float64Array(c);
  for (let ch = 0; ch < c; ch++) {
    const r = 1 / Math.sqrt(sigma2[ch] + varianceEpsilon);
    a[ch] = gamma[ch] * r;
    b[ch] = (-gamma[ch] * r * r * dScale[ch] + 2 * dVariance[ch]) / n;
    // B (x - mean) + C = B x + (C - B mean)
    k[ch] = (-gamma[ch] * r * dOffset[ch] + dMean[ch]) / n - b[ch] * mu[ch];
  }
  return { a, b, k };
}

export const batchNormKernelConfigs: tf.KernelConfig[] = [
  { kernelName: BATCH_NORM_TRAINING, backendName: 'wasm', kernelFunc: batchNormTrainingKernel as tf.KernelFunc },
  { kernelName: GRADIENT_SUMS, backendName: 'wasm', kernelFunc: gradientSumsKernel as tf.KernelFunc },
  { kernelName: INPUT_GRADIENT, backendName: 'wasm', kernelFunc: inputGradientKernel as tf.KernelFunc },
];

export const batchNormGradientConfig: tf.GradConfig = {
  kernelName: BATCH_NORM_TRAINING,
  inputsToSave: ['x', 'scale'],
  outputsToSave: [false, true, true],
  gradFunc: (dys, saved, attrs) => {
    const [dy, dMean, dVariance] = dys as tf.Tensor[];
    const [x, scale, mean, variance] = saved;
    const engine = tf.engine();
    // Both parameter gradients come out of one pass; the input gradient needs them too.
    const [offsetGradient, scaleGradient] = engine.runKernel(GRADIENT_SUMS, { dy, x, mean, variance }, attrs) as tf.Tensor[];
    return {
      x: () => engine.runKernel(INPUT_GRADIENT, { dy, x, mean, variance, scale, offsetGradient, scaleGradient, dMean, dVariance }, attrs) as tf.Tensor,
      scale: () => scaleGradient.clone(),
      offset: () => offsetGradient.clone(),
    };
  },
};

/** True where batchNormTraining runs: the wasm backend with these kernels, on float32 input. */
export function batchNormTrainingAvailable(x: tf.Tensor): boolean {
  return x.dtype === 'float32' && x.rank >= 2 && tf.getBackend() === 'wasm' && tf.getKernel(BATCH_NORM_TRAINING, 'wasm') !== undefined;
}

/**
 * Batch normalisation of x over every axis but the last with the batch's own statistics, as tfjs-layers
 * trains it: [gamma (x - mean) / sqrt(variance + epsilon) + beta, mean, variance] (variance biased).
 */
export function batchNormTraining(x: tf.Tensor, gamma: tf.Tensor1D, beta: tf.Tensor1D, varianceEpsilon: number): [tf.Tensor, tf.Tensor1D, tf.Tensor1D] {
  const attrs: Attrs = { varianceEpsilon };
  const [y, mean, variance] = tf.engine().runKernel(BATCH_NORM_TRAINING, { x, scale: gamma, offset: beta }, attrs as unknown as tf.NamedAttrMap) as tf.Tensor[];
  return [y, mean as tf.Tensor1D, variance as tf.Tensor1D];
}
