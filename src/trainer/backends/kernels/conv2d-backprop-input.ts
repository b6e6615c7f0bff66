/**
 * Conv2DBackpropInput for wasm, replacing the package's slow direct loop: the input gradient is a forward
 * convolution (XNNPACK) of the zero-dilated output gradient with the filter rotated by 180 degrees and its
 * channel axes swapped: dx[h] = sum over kh of dyDilated[h + top - kh] * W[kh].
 */
import * as tf from '@tensorflow/tfjs';
import { KernelComposer, wasmKernel } from './compose.js';
import { convGeometry, type ConvGradientAttrs, type Shape4 } from './conv-info.js';

type Attrs = ConvGradientAttrs & { inputShape: Shape4 };

function conv2dBackpropInput(inputs: Record<'dy' | 'filter', tf.TensorInfo>, backend: tf.KernelBackend, attrs: Attrs): tf.TensorInfo {
  const { dy, filter } = inputs;
  const info = convGeometry('Conv2DBackpropInput', attrs.inputShape, filter.shape as Shape4, attrs);
  const k = new KernelComposer(backend, 'Conv2DBackpropInput');
  const rotated = k.transpose(k.run('Reverse', { x: filter }, { dims: [0, 1] }), [0, 1, 3, 2]);
  const dilated = dilate(k, dy, info.strideHeight, info.strideWidth);
  const rows = cropToFit(dilated.shape[1], info.inHeight, info.filterHeight, info.padInfo.top);
  const cols = cropToFit(dilated.shape[2], info.inWidth, info.filterWidth, info.padInfo.left);
  const source = k.slice(dilated, [0, rows.skip, cols.skip, 0], [info.batchSize, rows.keep, cols.keep, info.outChannels]);
  const explicit: tf.backend_util.ExplicitPadding = [[0, 0], [rows.before, rows.after], [cols.before, cols.after], [0, 0]];
  const dx = k.run('Conv2D', { x: source, filter: rotated }, { strides: [1, 1], pad: explicit, dataFormat: 'NHWC', dilations: [1, 1] });
  return k.finish(dx);
}

/** dy with stride-1 zeros between its rows and columns (and after the last), as [N, OH*sh, OW*sw, C]. */
function dilate(k: KernelComposer, dy: tf.TensorInfo, sh: number, sw: number): tf.TensorInfo {
  if (sh === 1 && sw === 1) return dy;
  const [n, oh, ow, c] = dy.shape;
  const spread = k.pad(k.reshape(dy, [n, oh, 1, ow, 1, c]), [[0, 0], [0, 0], [0, sh - 1], [0, 0], [0, sw - 1], [0, 0]]);
  return k.reshape(spread, [n, oh * sh, ow * sw, c]);
}

/**
 * Along one axis: which part of the dilated gradient (length `length`) a 'valid' convolution with kernel
 * `kernel` reads to produce `size` outputs, and the zero padding it needs before and after.
 */
function cropToFit(length: number, size: number, kernel: number, padBefore: number) {
  const lead = kernel - 1 - padBefore;
  const skip = Math.max(0, -lead);
  const before = Math.max(0, lead);
  const needed = size + kernel - 1 - before;
  const keep = Math.min(length - skip, needed);
  return { skip, keep, before, after: needed - keep };
}

export const conv2dBackpropInputConfig = wasmKernel('Conv2DBackpropInput', conv2dBackpropInput);
