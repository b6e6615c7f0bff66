/**
 * MaxPoolGrad for wasm. The package's own kernel (and its MaxPoolWithArgmax) start each window's maximum at
 * FLT_MIN and keep the last of tied maxima, so all-negative windows and ties get the gradient wrongly. Here,
 * for each window offset in row-major order, the input positions equal to the pooled maximum take whatever
 * of dy no earlier offset has taken: exactly the first maximum of each window, as in the cpu backend.
 */
import * as tf from '@tensorflow/tfjs';
import { KernelComposer, wasmKernel } from './compose.js';

interface Attrs {
  filterSize: [number, number] | number;
  strides: [number, number] | number;
  pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

type Info = tf.backend_util.Conv2DInfo;

function maxPoolGrad(inputs: Record<'dy' | 'input' | 'output', tf.TensorInfo>, backend: tf.KernelBackend, attrs: Attrs): tf.TensorInfo {
  const { dy, input, output } = inputs;
  const info = tf.backend_util.computePool2DInfo(
    input.shape as [number, number, number, number], attrs.filterSize, attrs.strides, 1, attrs.pad, attrs.dimRoundingMode,
  );
  const k = new KernelComposer(backend, 'MaxPoolGrad');
  const shares = gradientPerWindowOffset(k, dy, input, output, info);
  const frame = info.filterHeight === info.strideHeight && info.filterWidth === info.strideWidth
    ? interleave(k, shares, info)
    : scatterAdd(k, shares, info);
  return k.finish(cropToInput(k, frame, info));
}

/** For each window offset (row-major), the part of dy that goes to the input at that offset. */
function gradientPerWindowOffset(k: KernelComposer, dy: tf.TensorInfo, input: tf.TensorInfo, output: tf.TensorInfo, info: Info): tf.TensorInfo[] {
  const zeros = k.run('Fill', {}, { shape: dy.shape, value: 0, dtype: 'float32' });
  const windowValues = valuesAtOffsets(k, input, info);
  const shares: tf.TensorInfo[] = [];
  let remaining = dy;
  windowValues.forEach((atOffset, index) => {
    const isMax = k.run('Equal', { a: atOffset, b: output });
    const share = k.run('Select', { condition: isMax, t: remaining, e: zeros });
    shares.push(share);
    if (index < windowValues.length - 1) remaining = k.run('Sub', { a: remaining, b: share });
  });
  return shares;
}

/**
 * For each window offset (row-major), the input value at that offset of every window, [N, OH, OW, C]. Windows
 * that tile the input are read by plain slices of a reshaped view (wasm's StridedSlice is very slow).
 */
function valuesAtOffsets(k: KernelComposer, input: tf.TensorInfo, info: Info): tf.TensorInfo[] {
  const { batchSize: n, outHeight: oh, outWidth: ow, inChannels: c, strideHeight: sh, strideWidth: sw } = info;
  const { filterHeight: fh, filterWidth: fw } = info;
  const tiled = fh === sh && fw === sw;
  const [hp, wp] = tiled ? [oh * sh, ow * sw] : paddedExtent(info);
  const { top, left } = info.padInfo;
  const h = Math.min(info.inHeight, hp - top);
  const w = Math.min(info.inWidth, wp - left);
  const cropped = k.slice(input, [0, 0, 0, 0], [n, h, w, c]);
  const frame = k.pad(cropped, [[0, 0], [top, hp - top - h], [left, wp - left - w], [0, 0]], -Infinity);
  const view = tiled ? k.reshape(frame, [n * oh, sh, ow, sw * c]) : frame;
  const values: tf.TensorInfo[] = [];
  for (let i = 0; i < fh; i++) {
    for (let j = 0; j < fw; j++) {
      values.push(tiled
        ? k.reshape(k.slice(view, [0, i, 0, j * c], [n * oh, 1, ow, c]), [n, oh, ow, c])
        : k.stridedSlice(frame, [0, i, j, 0], [n, oh, ow, c], [1, sh, sw, 1]));
    }
  }
  return values;
}

/** Rows and columns of the input padded so that every window lies inside (at least the input itself). */
function paddedExtent(info: Info): [number, number] {
  const { top, left } = info.padInfo;
  const hp = Math.max(top + info.inHeight, (info.outHeight - 1) * info.strideHeight + info.filterHeight);
  const wp = Math.max(left + info.inWidth, (info.outWidth - 1) * info.strideWidth + info.filterWidth);
  return [hp, wp];
}

/** Non-overlapping windows: the shares interleave into the padded frame by two concatenations. */
function interleave(k: KernelComposer, shares: tf.TensorInfo[], info: Info): tf.TensorInfo {
  const { batchSize: n, outHeight: oh, outWidth: ow, inChannels: c, filterHeight: fh, filterWidth: fw } = info;
  const rows: tf.TensorInfo[] = [];
  for (let i = 0; i < fh; i++) {
    const row = k.concat(shares.slice(i * fw, (i + 1) * fw), 3);
    rows.push(k.reshape(row, [n, oh, 1, ow * fw * c]));
  }
  return k.reshape(k.concat(rows, 2), [n, oh * fh, ow * fw, c]);
}

/** Overlapping windows: each share, spread by the stride, shifted to its offset and summed. */
function scatterAdd(k: KernelComposer, shares: tf.TensorInfo[], info: Info): tf.TensorInfo {
  const { batchSize: n, outHeight: oh, outWidth: ow, inChannels: c, strideHeight: sh, strideWidth: sw } = info;
  const [hp, wp] = paddedExtent(info);
  const placed: tf.TensorInfo[] = [];
  shares.forEach((share, index) => {
    const i = Math.floor(index / info.filterWidth);
    const j = index % info.filterWidth;
    const spread = k.pad(k.reshape(share, [n, oh, 1, ow, 1, c]), [[0, 0], [0, 0], [0, sh - 1], [0, 0], [0, sw - 1], [0, 0]]);
    const grid = k.reshape(spread, [n, oh * sh, ow * sw, c]);
    const fitted = k.slice(grid, [0, 0, 0, 0], [n, Math.min(oh * sh, hp - i), Math.min(ow * sw, wp - j), c]);
    placed.push(k.pad(fitted, [[0, 0], [i, hp - i - fitted.shape[1]], [j, wp - j - fitted.shape[2]], [0, 0]]));
  });
  return k.run('AddN', placed);
}

/** The input's own rows and columns out of the padded frame (zeros where the frame is short). */
function cropToInput(k: KernelComposer, frame: tf.TensorInfo, info: Info): tf.TensorInfo {
  const { top, left } = info.padInfo;
  const h = Math.min(info.inHeight, frame.shape[1] - top);
  const w = Math.min(info.inWidth, frame.shape[2] - left);
  const cropped = k.slice(frame, [0, top, left, 0], [info.batchSize, h, w, info.inChannels]);
  return k.pad(cropped, [[0, 0], [0, info.inHeight - h], [0, info.inWidth - w], [0, 0]]);
}

export const maxPoolGradConfig = wasmKernel('MaxPoolGrad', maxPoolGrad);
