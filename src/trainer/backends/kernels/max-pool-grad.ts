/**
 * MaxPoolGrad for wasm. The package's own kernel (and its MaxPoolWithArgmax) start each window's maximum at
 * FLT_MIN and keep the last of tied maxima, so all-negative windows and ties get the gradient wrongly. This
 * one routes each window's gradient to its first maximum (row-major, strictly greater wins, padding never
 * does), exactly as the cpu backend, and adds up where windows overlap.
 *
 * It is a plain loop over the wasm heap: composed from wasm kernels it took 4 slices, 2 concatenations and
 * 12 elementwise passes (40 % of a training step of a small CNN); the loop reads the input once.
 */
import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { wasmKernel } from './compose.js';
import { heapAddress } from './heap-module.js';
import { maxPoolLoops, overOutputRows } from './max-pool-simd.js';
import { poolInfo, tilesForLoops, tilesTwoByTwo, type PoolAttrs } from './pool-tiles.js';

function maxPoolGrad(inputs: Record<'dy' | 'input' | 'output', tf.TensorInfo>, backend: tf.KernelBackend, attrs: PoolAttrs): tf.TensorInfo {
  const { dy, input } = inputs;
  const info = poolInfo(input.shape, attrs);
  const wasm = backend as unknown as BackendWasm;
  const out = wasm.makeOutput(input.shape, 'float32');
  const loops = tilesForLoops(info) ? maxPoolLoops(wasm) : null;
  if (loops !== null) {
    const [xAt, dyAt, dxAt] = [heapAddress(wasm, input), heapAddress(wasm, dy), heapAddress(wasm, out)];
    overOutputRows(wasm, input.shape, loops, 'gradient', [[xAt, 2], [dyAt, 0.5], [dxAt, 2]]);
    return out;
  }
  // Views only after the allocation above: growing the heap detaches earlier ones.
  const dx = wasm.typedArrayFromHeap(out) as Float32Array;
  const route = tilesTwoByTwo(info) ? routeInTwoByTwoTiles : routeToFirstMaxima;
  route(wasm.typedArrayFromHeap(input) as Float32Array, wasm.typedArrayFromHeap(dy) as Float32Array, dx, info);
  return out;
}

/**
 * The common case, 2x2 tiles (by max-pool-simd.ts where the channels are a multiple of 4). Unrolled, with the
 * maximum and its place in locals and every input written once (no fill): about 2x faster than the general loop
 * below.
 */
function routeInTwoByTwoTiles(x: Float32Array, dy: Float32Array, dx: Float32Array, info: tf.backend_util.Conv2DInfo): void {
  const { batchSize, inHeight, inWidth, inChannels: c, outHeight, outWidth } = info;
  const rowStride = inWidth * c;
  let out = 0;
  for (let b = 0; b < batchSize; b++) {
    for (let oh = 0; oh < outHeight; oh++) {
      for (let ow = 0; ow < outWidth; ow++) {
        const corner = (b * inHeight + 2 * oh) * rowStride + 2 * ow * c;
        for (let ch = 0; ch < c; ch++, out++) {
          const i0 = corner + ch;
          const i1 = i0 + c;
          const i2 = i0 + rowStride;
          const i3 = i2 + c;
          let best = x[i0];
          let where = i0;
          if (x[i1] > best) { best = x[i1]; where = i1; }
          if (x[i2] > best) { best = x[i2]; where = i2; }
          if (x[i3] > best) { best = x[i3]; where = i3; }
          // Rare: a NaN or -Infinity first value, where the cpu backend's rule (strictly greater than -Infinity) differs.
          if (!(best > -Infinity)) where = firstAboveMinusInfinity(x, i0, i1, i2, i3);
          dx[i0] = 0;
          dx[i1] = 0;
          dx[i2] = 0;
          dx[i3] = 0;
          if (where >= 0) dx[where] = dy[out];
        }
      }
    }
  }
}

/** The place of the first maximum strictly above -Infinity (NaN never wins), or -1 if there is none. */
function firstAboveMinusInfinity(x: Float32Array, ...places: number[]): number {
  let best = -Infinity;
  let where = -1;
  for (const place of places) {
    if (x[place] > best) {
      best = x[place];
      where = place;
    }
  }
  return where;
}

function routeToFirstMaxima(x: Float32Array, dy: Float32Array, dx: Float32Array, info: tf.backend_util.Conv2DInfo): void {
  const { batchSize, inHeight, inWidth, inChannels: c, outHeight, outWidth, strideHeight, strideWidth } = info;
  const { filterHeight, filterWidth } = info;
  const { top, left } = info.padInfo;
  const best = new Float32Array(c);
  const where = new Int32Array(c);
  dx.fill(0);
  let dyOffset = 0;
  for (let b = 0; b < batchSize; b++) {
    const image = b * inHeight * inWidth * c;
    for (let oh = 0; oh < outHeight; oh++) {
      const rowStart = oh * strideHeight - top;
      const rowEnd = Math.min(rowStart + filterHeight, inHeight);
      for (let ow = 0; ow < outWidth; ow++, dyOffset += c) {
        const colStart = ow * strideWidth - left;
        const colEnd = Math.min(colStart + filterWidth, inWidth);
        best.fill(-Infinity);
        where.fill(-1);
        for (let row = Math.max(rowStart, 0); row < rowEnd; row++) {
          for (let col = Math.max(colStart, 0); col < colEnd; col++) {
            const pixel = image + (row * inWidth + col) * c;
            for (let ch = 0; ch < c; ch++) {
              const value = x[pixel + ch];
              if (value > best[ch]) {
                best[ch] = value;
                where[ch] = pixel + ch;
              }
            }
          }
        }
        for (let ch = 0; ch < c; ch++) {
          if (where[ch] >= 0) dx[where[ch]] += dy[dyOffset + ch];
        }
      }
    }
  }
}

export const maxPoolGradConfig = wasmKernel('MaxPoolGrad', maxPoolGrad);
