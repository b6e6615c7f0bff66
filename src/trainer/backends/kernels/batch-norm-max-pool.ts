/**
 * Batch norm in training followed by a max pool of 2x2 windows with stride 2, as one op on wasm (the model's
 * batch-norm layers hand their input to such a pool: model/max-pool-layer.ts). Apart, the two write the
 * normalised activation, read it to pool it, and in the backward pass write the pool's full-size gradient and
 * read it twice more (batch-norm.ts's sums and input gradient). Here:
 * - forward: the moments pass, then one pass over the windows that writes the pooled y and the x each window
 *   chose (a quarter of the activation each);
 * - backward: the sums of dy and dy (x - mean) over the quarter-size tensors (batch-norm.ts's sums), then one
 *   pass that writes dx, with dy at the place each window chose and 0 elsewhere.
 * The same values and gradients as batch norm then max pool (batch-norm-max-pool-simd.ts says how the window
 * chooses), but for ties between values that differ in x and round to the same y.
 *
 * The chosen x is not an output: tfjs-core hands a gradient function zeros, made in JavaScript and copied to
 * the heap, for every output that nothing downstream differentiates (7 % of a step of the panel's p4 at 1
 * thread). It lies in the tail of y's heap block instead (outputWithTail), freed with y.
 */
import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import type { KernelArgs } from './compose.js';
import { channelSumsAt } from './batch-norm-passes.js';
import { batchStatistics, inputGradientCoefficients, parameterGradients, type Attrs, type InputGradientInputs } from './batch-norm.js';
import { batchNormPoolLoops } from './batch-norm-max-pool-simd.js';
import { heapAddress, heapBuffer, outputWithTail, withScratch } from './heap-module.js';
import { overOutputRows } from './max-pool-simd.js';

export const BATCH_NORM_MAX_POOL = 'NasBatchNormMaxPool';
const POOLED_INPUT_GRADIENT = 'NasBatchNormMaxPoolGradInput';
const POOLED_GRADIENT_SUMS = 'NasBatchNormMaxPoolGradSums';

/** Where the x that each window chose lies, by the data of the y whose block holds it. */
const choicesOf = new WeakMap<object, number>();

/** The sign bit (as a float's bits) for the channels whose scale is negative: their window takes its minimum. */
function flips(gamma: Float32Array): Int32Array {
  return Int32Array.from(gamma, (g) => (g < 0 ? -0x80000000 : 0));
}

/** Per-channel [C] vectors on scratch memory for the duration of `use` (views after: the allocation may grow the heap). */
function withVectors<T>(wasm: BackendWasm, vectors: (Float64Array | Int32Array)[], use: (addresses: number[]) => T): T {
  const c = vectors[0].length;
  return withScratch(wasm, 4 * c * vectors.length, (scratch) => {
    vectors.forEach((values, i) => {
      const at = scratch + 4 * c * i;
      if (values instanceof Int32Array) new Int32Array(heapBuffer(wasm), at, c).set(values);
      else new Float32Array(heapBuffer(wasm), at, c).set(values);
    });
    return use(vectors.map((_, i) => scratch + 4 * c * i));
  });
}

/** [y, mean, variance]: y [N, H / 2, W / 2, C], the chosen x after it in its block. */
function batchNormMaxPoolKernel({ inputs, backend, attrs }: KernelArgs): tf.TensorInfo[] {
  const { x, scale, offset } = inputs as Record<'x' | 'scale' | 'offset', tf.TensorInfo>;
  const wasm = backend as unknown as BackendWasm;
  const [n, h, w, c] = x.shape;
  const pooled = [n, h / 2, w / 2, c];
  const { out: y, tail: selAt } = outputWithTail(wasm, pooled, 4 * tf.util.sizeFromShape(pooled));
  choicesOf.set(y.dataId, selAt);
  const outputs = [y, wasm.makeOutput([c], 'float32'), wasm.makeOutput([c], 'float32')];
  const { slope, intercept } = batchStatistics(wasm, x, scale, offset, outputs[1], outputs[2], (attrs as unknown as Attrs).varianceEpsilon);
  const flip = flips(wasm.typedArrayFromHeap(scale) as Float32Array);
  withVectors(wasm, [slope, intercept, flip], ([slopeAt, interceptAt, flipAt]) => {
    const [xAt, yAt] = [heapAddress(wasm, x), heapAddress(wasm, y)];
    overOutputRows(wasm, x.shape, batchNormPoolLoops(wasm)!, 'normalisePool', [[xAt, 2], [yAt, 0.5], [selAt, 0.5]], [slopeAt, interceptAt, flipAt]);
  });
  return outputs;
}

/** The offset's and scale's gradients from the sums of dy and dy (x - mean) over the chosen x. */
function pooledGradientSumsKernel({ inputs, backend, attrs }: KernelArgs): tf.TensorInfo[] {
  const { dy, y, mean, variance } = inputs as Record<'dy' | 'y' | 'mean' | 'variance', tf.TensorInfo>;
  const wasm = backend as unknown as BackendWasm;
  const selAt = choicesOf.get(y.dataId);
  // Only a copying Identity kernel (not the trainer's) gives the gradient a y without the block.
  if (selAt === undefined) throw new Error(`${POOLED_GRADIENT_SUMS}: y is not the data ${BATCH_NORM_MAX_POOL} wrote`);
  const sums = channelSumsAt(wasm, { x: selAt, center: heapAddress(wasm, mean), dy: heapAddress(wasm, dy) }, y.shape)!;
  return parameterGradients(wasm, sums, variance, (attrs as unknown as Attrs).varianceEpsilon);
}

/** dx [N, H, W, C] from the pooled dy: batch-norm.ts's input gradient with dy at each window's choice. */
function pooledInputGradientKernel({ inputs, backend, attrs }: KernelArgs): tf.TensorInfo {
  const named = inputs as InputGradientInputs;
  const wasm = backend as unknown as BackendWasm;
  const { x, dy } = named;
  const out = wasm.makeOutput(x.shape, 'float32');
  const { a, b, k } = inputGradientCoefficients(wasm, named, (attrs as unknown as Attrs).varianceEpsilon);
  const flip = flips(wasm.typedArrayFromHeap(named.scale) as Float32Array);
  withVectors(wasm, [a, b, k, flip], ([aAt, bAt, kAt, flipAt]) => {
    const [xAt, dyAt, dxAt] = [heapAddress(wasm, x), heapAddress(wasm, dy), heapAddress(wasm, out)];
    overOutputRows(wasm, x.shape, batchNormPoolLoops(wasm)!, 'pooledGradient', [[xAt, 2], [dyAt, 0.5], [dxAt, 2]], [aAt, bAt, kAt, flipAt]);
  });
  return out;
}

export const batchNormMaxPoolKernelConfigs: tf.KernelConfig[] = [
  { kernelName: BATCH_NORM_MAX_POOL, backendName: 'wasm', kernelFunc: batchNormMaxPoolKernel as tf.KernelFunc },
  { kernelName: POOLED_INPUT_GRADIENT, backendName: 'wasm', kernelFunc: pooledInputGradientKernel as tf.KernelFunc },
  { kernelName: POOLED_GRADIENT_SUMS, backendName: 'wasm', kernelFunc: pooledGradientSumsKernel as tf.KernelFunc },
];

export const batchNormMaxPoolGradientConfig: tf.GradConfig = {
  kernelName: BATCH_NORM_MAX_POOL,
  inputsToSave: ['x', 'scale'],
  outputsToSave: [true, true, true],
  gradFunc: (dys, saved, attrs) => {
    const [dy, dMean, dVariance] = dys as tf.Tensor[];
    const [x, scale, y, mean, variance] = saved;
    const engine = tf.engine();
    const [offsetGradient, scaleGradient] = engine.runKernel(POOLED_GRADIENT_SUMS, { dy, y, mean, variance }, attrs) as tf.Tensor[];
    return {
      x: () => engine.runKernel(POOLED_INPUT_GRADIENT, { dy, x, mean, variance, scale, offsetGradient, scaleGradient, dMean, dVariance }, attrs) as tf.Tensor,
      scale: () => scaleGradient.clone(),
      offset: () => offsetGradient.clone(),
    };
  },
};

/** True where batchNormMaxPool runs: the wasm backend with its SIMD loops, float32 [N, H, W, C] with H and W even, C a multiple of 4. */
export function batchNormMaxPoolAvailable(x: tf.Tensor): boolean {
  if (x.dtype !== 'float32' || x.rank !== 4 || tf.getBackend() !== 'wasm' || tf.getKernel(BATCH_NORM_MAX_POOL, 'wasm') === undefined) return false;
  const [n, h, w, c] = x.shape;
  return n > 0 && h > 0 && w > 0 && h % 2 === 0 && w % 2 === 0 && c > 0 && c % 4 === 0 && batchNormPoolLoops(tf.backend() as unknown as BackendWasm) !== null;
}

/**
 * Batch normalisation of x [N, H, W, C] with the batch's own statistics (as batchNormTraining), then a max pool
 * of 2x2 windows with stride 2: [pooled y, mean, variance].
 */
export function batchNormMaxPool(x: tf.Tensor4D, gamma: tf.Tensor1D, beta: tf.Tensor1D, varianceEpsilon: number): [tf.Tensor4D, tf.Tensor1D, tf.Tensor1D] {
  const attrs: Attrs = { varianceEpsilon };
  const [y, mean, variance] = tf.engine().runKernel(BATCH_NORM_MAX_POOL, { x, scale: gamma, offset: beta }, attrs as unknown as tf.NamedAttrMap) as tf.Tensor[];
  return [y as tf.Tensor4D, mean as tf.Tensor1D, variance as tf.Tensor1D];
}
