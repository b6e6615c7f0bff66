/**
 * Conv2DBackpropFilter for wasm (the package has none). The weight gradient is one matrix product:
 * dW[kh,kw,ci,co] = sum over (n,oh,ow) of x[n, oh*s+kh-top, ow*s+kw-left, ci] * dy[n,oh,ow,co].
 * The patches matrix P [M, KH*KW*CI] (M = N*OH*OW) is a concatenation of KH*KW shifted, strided slices
 * of the padded input; then dW^T = dy^T P is a plain matmul, which wasm runs with XNNPACK (a transposed
 * operand would fall to wasm's scalar loop, hence the explicit transpose of the smaller dy).
 */
import * as tf from '@tensorflow/tfjs';
import { KernelComposer, wasmKernel } from './compose.js';
import { convGeometry, type ConvGradientAttrs, type Shape4 } from './conv-info.js';
import { patchMatrix } from './patches.js';

type Attrs = ConvGradientAttrs & { filterShape: Shape4 };

function conv2dBackpropFilter(inputs: Record<'x' | 'dy', tf.TensorInfo>, backend: tf.KernelBackend, attrs: Attrs): tf.TensorInfo {
  const { x, dy } = inputs;
  const { filterShape } = attrs;
  const info = convGeometry('Conv2DBackpropFilter', x.shape as Shape4, filterShape, attrs);
  const k = new KernelComposer(backend);
  const m = info.batchSize * info.outHeight * info.outWidth;
  const patches = patchMatrix(k, x, info);
  const dyT = k.transpose(k.reshape(dy, [m, info.outChannels]), [1, 0]);
  const dwT = k.run('BatchMatMul', { a: k.reshape(dyT, [1, info.outChannels, m]), b: k.reshape(patches, [1, m, patches.shape[1]]) }, { transposeA: false, transposeB: false });
  const dw = k.transpose(k.reshape(dwT, [info.outChannels, patches.shape[1]]), [1, 0]);
  return k.finish(k.reshape(dw, filterShape));
}

export const conv2dBackpropFilterConfig = wasmKernel('Conv2DBackpropFilter', conv2dBackpropFilter);
