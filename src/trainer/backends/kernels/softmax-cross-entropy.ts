/**
 * The trainer's loss, softmax cross-entropy of logits [N, K] against int32 labels [N] with label smoothing, as
 * one kernel forward and one backward, on wasm and cpu. Composed from tfjs ops it took about 30 kernel calls a
 * step (oneHot, casts, logSoftmax's max, sub, exp, sum and log, their gradients): each costs more in dispatch
 * than its [64, 10] of arithmetic. The values are computed in float64 in JavaScript on either backend.
 */
import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import type { CpuBackend, KernelArgs } from './compose.js';

export const LOSS_KERNEL = 'NasSoftmaxCrossEntropy';
export const LOSS_GRAD_KERNEL = 'NasSoftmaxCrossEntropyGrad';

interface Attrs {
  labelSmoothing: number;
}

/** Per row: the targets (1 - s) onehot + s / K (all s / K where the label is outside [0, K)) and the softmax. */
function rowLoss(z: Float32Array, labels: Int32Array, row: number, k: number, smoothing: number, probabilities?: Float64Array): number {
  const base = row * k;
  let max = -Infinity;
  for (let j = 0; j < k; j++) max = Math.max(max, z[base + j]);
  let total = 0;
  for (let j = 0; j < k; j++) total += Math.exp(z[base + j] - max);
  const logSum = max + Math.log(total);
  const label = labels[row];
  let loss = 0;
  for (let j = 0; j < k; j++) {
    const target = smoothing / k + (j === label ? 1 - smoothing : 0);
    if (target !== 0) loss -= target * (z[base + j] - logSum);
    if (probabilities !== undefined) probabilities[j] = Math.exp(z[base + j] - logSum);
  }
  return loss;
}

function forward(z: Float32Array, labels: Int32Array, k: number, smoothing: number, out: Float32Array): void {
  for (let row = 0; row < out.length; row++) out[row] = rowLoss(z, labels, row, k, smoothing);
}

/** dz = dy (p T - t) per row, T the row's target total (1 for a label in range). */
function backward(dy: Float32Array, z: Float32Array, labels: Int32Array, k: number, smoothing: number, dz: Float32Array): void {
  const p = new Float64Array(k);
  for (let row = 0; row < dy.length; row++) {
    rowLoss(z, labels, row, k, smoothing, p);
    const label = labels[row];
    const inRange = label >= 0 && label < k;
    const totalTarget = smoothing + (inRange ? 1 - smoothing : 0);
    for (let j = 0; j < k; j++) {
      const target = smoothing / k + (j === label ? 1 - smoothing : 0);
      dz[row * k + j] = dy[row] * (p[j] * totalTarget - target);
    }
  }
}

/** The kernel's inputs as arrays and a way to make its output, on either backend. */
interface Access {
  read(t: tf.TensorInfo): Float32Array | Int32Array;
  output(shape: number[], fill: (out: Float32Array) => void): tf.TensorInfo;
}

function access(backend: tf.KernelBackend, backendName: 'wasm' | 'cpu'): Access {
  if (backendName === 'wasm') {
    const wasm = backend as unknown as BackendWasm;
    return {
      read: (t) => wasm.typedArrayFromHeap(t) as Float32Array | Int32Array,
      output: (shape, fill) => {
        const out = wasm.makeOutput(shape, 'float32');
        // Inputs are read inside `fill`, after the allocation: growing the heap detaches earlier views.
        fill(wasm.typedArrayFromHeap(out) as Float32Array);
        return out;
      },
    };
  }
  const cpu = backend as unknown as CpuBackend;
  return {
    read: (t) => cpu.data.get(t.dataId).values,
    output: (shape, fill) => {
      const values = new Float32Array(tf.util.sizeFromShape(shape));
      fill(values);
      return cpu.makeTensorInfo(shape, 'float32', values);
    },
  };
}

function lossKernel(backendName: 'wasm' | 'cpu'): tf.KernelFunc {
  return (({ inputs, backend, attrs }: KernelArgs) => {
    const { logits, labels } = inputs as Record<'logits' | 'labels', tf.TensorInfo>;
    const { labelSmoothing } = attrs as unknown as Attrs;
    const io = access(backend, backendName);
    return io.output([logits.shape[0]], (out) => forward(io.read(logits) as Float32Array, io.read(labels) as Int32Array, logits.shape[1], labelSmoothing, out));
  }) as tf.KernelFunc;
}

function lossGradKernel(backendName: 'wasm' | 'cpu'): tf.KernelFunc {
  return (({ inputs, backend, attrs }: KernelArgs) => {
    const { dy, logits, labels } = inputs as Record<'dy' | 'logits' | 'labels', tf.TensorInfo>;
    const { labelSmoothing } = attrs as unknown as Attrs;
    const io = access(backend, backendName);
    return io.output(logits.shape, (dz) =>
      backward(io.read(dy) as Float32Array, io.read(logits) as Float32Array, io.read(labels) as Int32Array, logits.shape[1], labelSmoothing, dz));
  }) as tf.KernelFunc;
}

const kernelConfigs: tf.KernelConfig[] = (['wasm', 'cpu'] as const).flatMap((backendName) => [
  { kernelName: LOSS_KERNEL, backendName, kernelFunc: lossKernel(backendName) },
  { kernelName: LOSS_GRAD_KERNEL, backendName, kernelFunc: lossGradKernel(backendName) },
]);

const gradientConfig: tf.GradConfig = {
  kernelName: LOSS_KERNEL,
  inputsToSave: ['logits', 'labels'],
  gradFunc: (dy, saved, attrs) => {
    const [logits, labels] = saved;
    return {
      logits: () => tf.engine().runKernel(LOSS_GRAD_KERNEL, { dy: dy as tf.Tensor, logits, labels }, attrs) as tf.Tensor,
      // Labels are integers: never on a gradient's path (as oneHot's indices).
      labels: () => tf.zeros(labels.shape, 'float32'),
    };
  },
};

/** Registers the kernels on wasm and cpu, and the gradient. Idempotent. */
export function registerLossKernels(): void {
  for (const config of kernelConfigs) {
    if (tf.getKernel(config.kernelName, config.backendName) === undefined) tf.registerKernel(config);
  }
  if (tf.getGradient(LOSS_KERNEL) === undefined) tf.registerGradient(gradientConfig);
}

/**
 * Per-example softmax cross-entropy of float32 logits [N, K] and int32 labels [N] by the kernel, or null on a
 * backend it is not registered for.
 */
export function fusedCrossEntropy(logits: tf.Tensor2D, labels: tf.Tensor1D, labelSmoothing: number): tf.Tensor1D | null {
  if (logits.dtype !== 'float32' || labels.dtype !== 'int32' || tf.getKernel(LOSS_KERNEL, tf.getBackend()) === undefined) return null;
  const attrs: Attrs = { labelSmoothing };
  return tf.engine().runKernel(LOSS_KERNEL, { logits, labels }, attrs as unknown as tf.NamedAttrMap) as tf.Tensor1D;
}

registerLossKernels();
