/**
 * The forward convolution of an input with few channels (a network's first layer, on grayscale or RGB images) by
 * the SIMD loops of gathered-product-simd.ts: out[p, co] = sum over taps r of x[window(p) + tap(r)] W[r, co],
 * r = (kh * KW + kw) * C_in + ci, on x zero-padded as filter-gradient.ts pads it, split over the kernel pool's
 * threads by bands of output pixels. XNNPACK runs these at half its speed on wider inputs (8.4-8.9 GMAC/s for
 * one input channel against 17-18, BENCHMARKS.md); the loops keep W's few rows in cache throughout.
 */
import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { paddedInput } from './filter-gradient.js';
import { productLoops } from './gathered-product-simd.js';
import { heapAddress, heapBuffer, withScratch } from './heap-module.js';
import { runProduct } from './threaded-product.js';

/** Input channels up to which the loops go first (XNNPACK is near its full speed from 8 on). */
export const NARROW_MAX_CHANNELS = 4;

/**
 * Filter taps (KH x KW x C_in) from which the loops go first: measured at batch 64, 1x1 on 3 channels (3 taps)
 * ran level with XNNPACK, 3x3 on 1 channel (9) 1.2-1.4 times as fast, 5x5 (25) 1.8 times.
 */
const MIN_TAPS = 9;

/** Output channels per register block: the loops need C_out to be a multiple of it. */
const BLOCK_CHANNELS = 8;

/** Whether narrowConvOnHeap takes the convolution `info` (dilation 1, NHWC). */
export function isNarrowConv(info: tf.backend_util.Conv2DInfo): boolean {
  return info.inChannels <= NARROW_MAX_CHANNELS && info.filterHeight * info.filterWidth * info.inChannels >= MIN_TAPS &&
    info.outChannels % BLOCK_CHANNELS === 0 && info.dilationHeight === 1 &&
    info.dilationWidth === 1 && info.batchSize * info.outHeight * info.outWidth > 0;
}

/** x [N, H, W, C_in] convolved with filter [KH, KW, C_in, C_out], plus bias [C_out] if given; null where the loops cannot run. */
export function narrowConvOnHeap(backend: tf.KernelBackend, x: tf.TensorInfo, filter: tf.TensorInfo, bias: tf.TensorInfo | null, info: tf.backend_util.Conv2DInfo): tf.TensorInfo | null {
  const wasm = backend as unknown as BackendWasm;
  if (!isNarrowConv(info) || [x, filter, ...(bias === null ? [] : [bias])].some((t) => t.dtype !== 'float32')) return null;
  const loops = productLoops(wasm);
  if (loops === null) return null;
  const { batchSize: n, inChannels: ci, outChannels: co, outHeight: oh, outWidth: ow, filterHeight: kh, filterWidth: kw, strideHeight: sh, strideWidth: sw } = info;
  const padded = paddedInput(wasm, x, info);
  const [, hp, wp] = padded.shape;
  const pixels = n * oh * ow;
  const out = wasm.makeOutput(info.outShape, 'float32');
  try {
    // The tables, then a row of zeros to start from where there is no bias.
    withScratch(wasm, 4 * (pixels + kh + co), (tables) => {
      // Views only after the allocations above: growing the heap detaches earlier ones.
      const offsets = new Int32Array(heapBuffer(wasm), tables, pixels);
      for (let image = 0, q = 0; image < n; image++) {
        for (let i = 0; i < oh; i++) {
          for (let j = 0; j < ow; j++, q++) offsets[q] = ((image * hp + i * sh) * wp + j * sw) * ci * 4;
        }
      }
      // One run of positions per filter row: its KW * C_in taps lie side by side in x.
      const runStarts = new Int32Array(heapBuffer(wasm), tables + 4 * pixels, kh);
      for (let a = 0; a < kh; a++) runStarts[a] = a * wp * ci * 4;
      const zeros = tables + 4 * (pixels + kh);
      new Float32Array(heapBuffer(wasm), zeros, co).fill(0);
      const init = bias === null ? zeros : heapAddress(wasm, bias);
      const series = [{ count: 1, rowBase: tables + 4 * pixels, runs: kh, rowBytes: kw * ci * 4, xStep: 4, dy: heapAddress(wasm, filter), rowBaseStep: 0, dyStep: 0 }];
      runProduct(wasm, loops, { x: heapAddress(wasm, padded), rows: pixels, offsets: tables, acc: heapAddress(wasm, out), cb: co * 4, init }, series, pixels * kh * kw * ci * co);
    });
  } finally {
    if (padded !== x) wasm.disposeData(padded.dataId);
  }
  return out;
}
