/**
 * ReLU and the activation gradients by the SIMD loops of activation-simd.ts: the Relu and EluGrad kernels
 * (float32; other types go to the package's), and a ReluGrad kernel that ReLU's gradient runs on wasm in
 * place of autodiff's Step, Cast and Multiply.
 */
import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { activationLoops, type ActivationLoops } from './activation-simd.js';
import { wasmKernel, wasmOverride } from './compose.js';
import { runElementwise } from './threads/row-pieces.js';

const RELU_GRAD = 'NasReluGrad';

type Loop = keyof ActivationLoops;

/**
 * out = f(inputs) elementwise: the SIMD loop over whole vectors (on the kernel pool's threads where the tensor is
 * large), `tail` for the last (size mod 4) elements;
 * null where the loops cannot run (not float32, or no SIMD).
 */
function elementwise(backend: tf.KernelBackend, inputs: tf.TensorInfo[], loop: Loop, tail: (values: Float32Array[], i: number) => number): tf.TensorInfo | null {
  const wasm = backend as unknown as BackendWasm;
  if (inputs.some((t) => t.dtype !== 'float32')) return null;
  const loops = activationLoops(wasm);
  if (loops === null) return null;
  const out = wasm.makeOutput(inputs[0].shape, 'float32');
  // Views only after the allocation above: growing the heap detaches earlier ones.
  const views = inputs.map((t) => wasm.typedArrayFromHeap(t) as Float32Array);
  const target = wasm.typedArrayFromHeap(out) as Float32Array;
  const whole = target.length - (target.length % 4);
  runElementwise(wasm, loops, loop, [...views.map((v) => v.byteOffset), target.byteOffset], 4 * whole);
  for (let i = whole; i < target.length; i++) target[i] = tail(views, i);
  return out;
}

export const reluOverride = (original: tf.KernelConfig) =>
  wasmOverride<'x', object>(original, ({ x }, backend, attrs) =>
    elementwise(backend, [x], 'relu', ([v], i) => Math.max(0, v[i])) ??
    (original.kernelFunc({ inputs: { x }, backend, attrs: attrs as tf.NamedAttrMap }) as tf.TensorInfo));

export const eluGradOverride = (original: tf.KernelConfig) =>
  wasmOverride<'dy' | 'y', object>(original, ({ dy, y }, backend, attrs) =>
    elementwise(backend, [dy, y], 'eluGrad', ([d, v], i) => (v[i] >= 0 ? d[i] : d[i] * (v[i] + 1))) ??
    (original.kernelFunc({ inputs: { dy, y }, backend, attrs: attrs as tf.NamedAttrMap }) as tf.TensorInfo));

export const reluGradKernelConfig = wasmKernel<'dy' | 'x', object>(RELU_GRAD, ({ dy, x }, backend) => {
  const out = elementwise(backend, [dy, x], 'reluGrad', ([d, a], i) => d[i] * (Number.isNaN(a[i]) ? NaN : a[i] > 0 ? 1 : 0));
  if (out === null) throw new Error(`${RELU_GRAD} needs float32 inputs and wasm SIMD`);
  return out;
});

function reluGradAvailable(dy: tf.Tensor, x: tf.Tensor): boolean {
  return dy.dtype === 'float32' && x.dtype === 'float32' && tf.getBackend() === 'wasm' && tf.getKernel(RELU_GRAD, 'wasm') !== undefined &&
    activationLoops(tf.backend() as unknown as BackendWasm) !== null;
}

/** ReLU's gradient: one kernel on wasm, tfjs's own mul(dy, cast(step(x))) elsewhere. */
export const reluGradientConfig: tf.GradConfig = {
  kernelName: 'Relu',
  inputsToSave: ['x'],
  gradFunc: (dy, saved) => {
    const [x] = saved;
    const upstream = dy as tf.Tensor;
    return {
      x: () => (reluGradAvailable(upstream, x) ? tf.engine().runKernel(RELU_GRAD, { dy: upstream, x }) as tf.Tensor : tf.mul(upstream, tf.cast(tf.step(x), 'float32'))),
    };
  },
};
