/** im2col for NHWC convolutions, composed from wasm slices. */
import * as tf from '@tensorflow/tfjs';
import type { KernelComposer } from './compose.js';

/**
 * The patch matrix of `x` for a convolution: shape [N*OH*OW, KH*KW*CI], column (kh*KW + kw)*CI + ci, so that
 * it multiplies a filter [KH, KW, CI, CO] flattened to [KH*KW*CI, CO].
 */
export function patchMatrix(k: KernelComposer, x: tf.TensorInfo, info: tf.backend_util.Conv2DInfo): tf.TensorInfo {
  const { batchSize: n, inHeight: h, inWidth: w, inChannels: c, outHeight: oh, outWidth: ow } = info;
  const { strideHeight: sh, strideWidth: sw, filterHeight: kh, filterWidth: kw } = info;
  const { top, left } = info.padInfo;
  const bottom = Math.max(0, (oh - 1) * sh + kh - top - h);
  const right = Math.max(0, (ow - 1) * sw + kw - left - w);
  const padded = k.pad(x, [[0, 0], [top, bottom], [left, right], [0, 0]]);
  const shifts: tf.TensorInfo[] = [];
  for (let i = 0; i < kh; i++) {
    for (let j = 0; j < kw; j++) {
      shifts.push(k.stridedSlice(padded, [0, i, j, 0], [n, oh, ow, c], [1, sh, sw, 1]));
    }
  }
  return k.reshape(k.concat(shifts, 3), [n * oh * ow, kh * kw * c]);
}
