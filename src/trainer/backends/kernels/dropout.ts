/**
 * Dropout in training as one kernel, forward and backward. tfjs's dropout draws its uniform numbers in
 * JavaScript (seedrandom's alea, one call per element: about 9 ns an element here) and then runs Add, Floor,
 * RealDiv and Multiply over the tensor; for a 64x14x14x128 activation that was most of 20 ms a step. Here the
 * mask is a hash of each element's index (dropout-mask.ts): the wasm kernel computes it in SIMD lanes on the
 * kernel pool's threads, the cpu kernel in a JavaScript loop, both to the same bits, and the gradient is the
 * same kernel applied to dy (the mask is computed again from the seed, never stored).
 */
import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import type { CpuBackend, KernelArgs } from './compose.js';
import { applyMask, dropoutMask, type DropoutMask } from './dropout-mask.js';
import { dropoutLoops } from './dropout-simd.js';
import { runElementwise } from './threads/row-pieces.js';

export const DROPOUT_KERNEL = 'NasDropout';

interface Attrs {
  rate: number;
  seed: number;
}

function maskOf(attrs: tf.NamedAttrMap | undefined): DropoutMask {
  const { rate, seed } = attrs as unknown as Attrs;
  return dropoutMask(rate, seed);
}

function floatBits(value: number): number {
  return new Int32Array(Float32Array.of(value).buffer)[0];
}

function wasmDropout({ inputs, backend, attrs }: KernelArgs): tf.TensorInfo {
  const { x } = inputs as { x: tf.TensorInfo };
  const wasm = backend as unknown as BackendWasm;
  const mask = maskOf(attrs);
  const out = wasm.makeOutput(x.shape, 'float32');
  // Views only after the allocation above: growing the heap detaches earlier ones.
  const source = wasm.typedArrayFromHeap(x) as Float32Array;
  const target = wasm.typedArrayFromHeap(out) as Float32Array;
  const loops = dropoutLoops(wasm);
  const whole = loops === null ? 0 : target.length - (target.length % 4);
  if (loops !== null && whole > 0) {
    const constants = [mask.key1 | 0, mask.key2 | 0, mask.threshold, floatBits(mask.scale)];
    runElementwise(wasm, loops, 'dropout', [source.byteOffset, target.byteOffset], 4 * whole, constants, true);
  }
  applyMask(mask, source, target, whole, target.length);
  return out;
}

function cpuDropout({ inputs, backend, attrs }: KernelArgs): tf.TensorInfo {
  const { x } = inputs as { x: tf.TensorInfo };
  const cpu = backend as unknown as CpuBackend;
  const source = cpu.data.get(x.dataId).values as Float32Array;
  const target = new Float32Array(source.length);
  applyMask(maskOf(attrs), source, target, 0, source.length);
  return cpu.makeTensorInfo(x.shape, 'float32', target);
}

export const dropoutKernelConfigs: tf.KernelConfig[] = [
  { kernelName: DROPOUT_KERNEL, backendName: 'wasm', kernelFunc: wasmDropout as tf.KernelFunc },
  { kernelName: DROPOUT_KERNEL, backendName: 'cpu', kernelFunc: cpuDropout as tf.KernelFunc },
];

/** y = x * mask, so dx = dy * the same mask: the kernel again on dy, with the same rate and seed. */
export const dropoutGradientConfig: tf.GradConfig = {
  kernelName: DROPOUT_KERNEL,
  gradFunc: (dy, _saved, attrs) => ({ x: () => tf.engine().runKernel(DROPOUT_KERNEL, { x: dy as tf.Tensor }, attrs) as tf.Tensor }),
};

/** Registers the kernel on wasm and cpu, and its gradient. Idempotent. */
export function registerDropoutKernels(): void {
  for (const config of dropoutKernelConfigs) {
    if (tf.getKernel(config.kernelName, config.backendName) === undefined) tf.registerKernel(config);
  }
  if (tf.getGradient(DROPOUT_KERNEL) === undefined) tf.registerGradient(dropoutGradientConfig);
}

/** True where seededDropout takes its own kernel (float32 input on a backend it is registered for). */
export function seededDropoutAvailable(x: tf.Tensor): boolean {
  return x.dtype === 'float32' && tf.getKernel(DROPOUT_KERNEL, tf.getBackend()) !== undefined;
}

/**
 * Inverted dropout of x at `rate` (0 < rate < 1) with a mask fixed by `seed` (an integer); tfjs's own
 * tf.dropout on backends without the kernel (there the mask comes from tfjs's seeded stream instead).
 */
export function seededDropout(x: tf.Tensor, rate: number, seed: number): tf.Tensor {
  if (!seededDropoutAvailable(x)) return tf.dropout(x, rate, undefined, seed);
  const attrs: Attrs = { rate, seed };
  return tf.engine().runKernel(DROPOUT_KERNEL, { x }, attrs as unknown as tf.NamedAttrMap) as tf.Tensor;
}

registerDropoutKernels();
