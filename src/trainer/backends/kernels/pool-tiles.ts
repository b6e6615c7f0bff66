/**
 * The pools the spaces propose: 2x2 windows with stride 2 that tile the input exactly. The max and average pool
 * kernels and their gradients take these with the tile loops (max-pool-simd.ts, avg-pool-simd.ts) where the
 * channels are a multiple of 4.
 */
import * as tf from '@tensorflow/tfjs';

/** The attributes of MaxPool, AvgPool and their gradients. */
export interface PoolAttrs {
  filterSize: [number, number] | number;
  strides: [number, number] | number;
  pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

/** The geometry of a pool of x [N, H, W, C]. */
export function poolInfo(shape: readonly number[], attrs: PoolAttrs): tf.backend_util.Conv2DInfo {
  return tf.backend_util.computePool2DInfo(shape as [number, number, number, number], attrs.filterSize, attrs.strides, 1, attrs.pad, attrs.dimRoundingMode);
}

export function tilesTwoByTwo(info: tf.backend_util.Conv2DInfo): boolean {
  const { filterHeight, filterWidth, strideHeight, strideWidth, inHeight, inWidth, outHeight, outWidth, padInfo } = info;
  return filterHeight === 2 && filterWidth === 2 && strideHeight === 2 && strideWidth === 2 && padInfo.top === 0 &&
    padInfo.left === 0 && inHeight === 2 * outHeight && inWidth === 2 * outWidth;
}

/** Whether the tile loops take this pool: 2x2 tiles, channels a multiple of 4, a non-empty output. */
export function tilesForLoops(info: tf.backend_util.Conv2DInfo): boolean {
  return tilesTwoByTwo(info) && info.inChannels % 4 === 0 && info.outHeight > 0 && info.outWidth > 0;
}

/** The geometry of a pool of `input` that the tile loops take (float32 [N, H, W, C]), else null. */
export function tiledPool(input: tf.TensorInfo, attrs: PoolAttrs): tf.backend_util.Conv2DInfo | null {
  if (input.shape.length !== 4 || input.dtype !== 'float32') return null;
  const info = poolInfo(input.shape, attrs);
  return tilesForLoops(info) ? info : null;
}
