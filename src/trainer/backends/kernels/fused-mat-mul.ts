/**
 * _FusedMatMul (a dense layer's forward pass: x by the kernel, plus bias, then an activation) for wasm: the
 * product by dense-product.ts where it applies (a training batch), else, where the kernel is large, in row
 * blocks of the kernel (see product.ts; the package packs the whole kernel again at every step, 3.2M
 * elements for 25,088 inputs and 128 units); then the bias and the activation as their own kernels.
 * Transposed, batched or small products and other activations go to the package's kernel.
 */
import * as tf from '@tensorflow/tfjs';
import { KernelComposer, wasmOverride } from './compose.js';
import { denseProduct } from './dense-product.js';
import { blockedProduct, rowBlocks } from './product.js';

interface Attrs {
  transposeA: boolean;
  transposeB: boolean;
  activation: string;
  leakyreluAlpha?: number;
}

type Inputs = Record<'a' | 'b', tf.TensorInfo> & { bias?: tf.TensorInfo; preluActivationWeights?: tf.TensorInfo };

/** The activations tfjs-layers fuses into a dense layer's product, and their kernels. */
const ACTIVATION_KERNELS: Record<string, string | null> = { linear: null, relu: 'Relu', elu: 'Elu' };

function fusedMatMul(inputs: Inputs, backend: tf.KernelBackend, attrs: Attrs, original: tf.KernelConfig): tf.TensorInfo {
  const { a, b, bias, preluActivationWeights } = inputs;
  const k = new KernelComposer(backend, '_FusedMatMul');
  const plain = !attrs.transposeA && !attrs.transposeB && a.shape.length === 3 && b.shape.length === 3
    && a.shape[0] === 1 && b.shape[0] === 1 && preluActivationWeights == null && attrs.activation in ACTIVATION_KERNELS;
  const dense = plain ? denseProduct(backend, a, b, false) : null;
  if (dense === null && !(plain && rowBlocks(b) > 1)) return k.finish(k.runConfig(original, inputs as unknown as Record<string, tf.TensorInfo>, { ...attrs })[0]);
  // Blocks go through the registered BatchMatMul, whose untransposed single products are the package's own here.
  let out = dense !== null ? k.adopt(dense) : blockedProduct(k, (x, y) => k.run('BatchMatMul', { a: x, b: y }, { transposeA: false, transposeB: false }), a, b);
  if (bias != null) out = k.run('Add', { a: out, b: bias });
  const activation = ACTIVATION_KERNELS[attrs.activation];
  if (activation !== null) out = k.run(activation, { x: out });
  return k.finish(out);
}

export const fusedMatMulOverride = (original: tf.KernelConfig) => wasmOverride(original, fusedMatMul);
