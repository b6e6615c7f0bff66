/**
 * A convolution's input gradient as one matrix product and a scatter: the column gradient
 * dcols [N * OH * OW, KH * KW * C_in] = dy [N * OH * OW, C_out] by W [KH * KW * C_in, C_out]ᵀ, in dot-product form
 * (dot-product.ts, reading both as they lie), then dx += each tap's columns at the pixels its windows reach
 * (col2im-simd.ts), on the kernel pool's threads by ranges of images (each piece adds its taps in the same
 * order, so the numbers do not depend on the thread count).
 */
import type * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { col2imLoops } from './col2im-simd.js';
import { dotProduct } from './dot-product.js';
import { heapAddress } from './heap-module.js';
import type { Call } from './threads/pool.js';
import { rowPieces } from './threads/row-pieces.js';

/**
 * Measured against the rotated-tap convolutions (bench/throughput/input-gradient-routes.ts, batch 64): with a
 * stride, where an image has at most 64 output pixels and C_out is 128 or more, 1.2-1.5x faster at 1 and 2
 * threads (c1's 5x5 stride-2 layer, h2's last: the taps' stride^2 phases are convolutions of even smaller
 * images, which XNNPACK runs slowly); 0.75-0.95x on 14x14 and 28x28 outputs of 32 or 64 channels, and level
 * within a training step on p5's stride-1 7x7 layers.
 */
const MAX_OUTPUT_PIXELS = 64;
const MIN_OUTPUT_CHANNELS = 128;

/** For benchmarks: 'auto' (the rule above), or one route wherever it applies. */
export const columnsRoute: { choice: 'auto' | 'always' | 'never' } = { choice: 'auto' };

/** Whether the product route goes first for this convolution. */
export function columnsFirst(info: tf.backend_util.Conv2DInfo): boolean {
  if (columnsRoute.choice !== 'auto') return columnsRoute.choice === 'always';
  const strided = info.strideHeight > 1 || info.strideWidth > 1;
  return strided && info.outHeight * info.outWidth <= MAX_OUTPUT_PIXELS && info.outChannels >= MIN_OUTPUT_CHANNELS;
}

/** dx [N, H, W, C_in], or null where the route does not apply (dilation, C_in not a multiple of 4, the product's own rules). */
export function inputGradientByColumns(backend: tf.KernelBackend, dy: tf.TensorInfo, filter: tf.TensorInfo, info: tf.backend_util.Conv2DInfo): tf.TensorInfo | null {
  const wasm = backend as unknown as BackendWasm;
  const { batchSize: n, inHeight: h, inWidth: w, inChannels: ci, outHeight: oh, outWidth: ow, outChannels: co, filterHeight: kh, filterWidth: kw } = info;
  if (info.dilationHeight !== 1 || info.dilationWidth !== 1 || ci % 4 !== 0 || dy.dtype !== 'float32' || filter.dtype !== 'float32') return null;
  const loops = col2imLoops(wasm);
  if (loops === null) return null;
  const taps = kh * kw * ci;
  const dcols = dotProduct(backend, { ...dy, shape: [1, n * oh * ow, co] }, { ...filter, shape: [1, taps, co] });
  if (dcols === null) return null;
  try {
    const out = wasm.makeOutput(info.inShape, 'float32');
    (wasm.typedArrayFromHeap(out) as Float32Array).fill(0);
    const cb = 4 * ci;
    const [outAt, colsAt] = [heapAddress(wasm, out), heapAddress(wasm, dcols)];
    const tapCalls = tapScatters(info).map(({ a, b, rows, cols }) => ({
      dst: outAt + ((rows[0] * info.strideHeight - info.padInfo.top + a) * w + cols[0] * info.strideWidth - info.padInfo.left + b) * cb,
      src: colsAt + 4 * ((rows[0] * ow + cols[0]) * taps + (a * kw + b) * ci),
      shape: [cols[1] - cols[0], info.strideWidth * cb, 4 * taps, rows[1] - rows[0], info.strideHeight * w * cb, 4 * ow * taps],
    }));
    const [dstImage, srcImage] = [h * w * cb, 4 * oh * ow * taps];
    const { ranges, run } = rowPieces(wasm, n, 1, 4 * n * (h * w * ci + oh * ow * taps));
    run(ranges.map(([first, end]): Call[] => tapCalls.map((t) => ({
      loops, fn: 'scatterTap', args: [t.dst + first * dstImage, t.src + first * srcImage, cb, ...t.shape, end - first, dstImage, srcImage],
    }))));
    return out;
  } finally {
    wasm.disposeData(dcols.dataId);
  }
}

/** Per filter tap (a, b): the output rows and columns [first, end) whose windows reach the input through it. */
function tapScatters(info: tf.backend_util.Conv2DInfo): { a: number; b: number; rows: [number, number]; cols: [number, number] }[] {
  const scatters = [];
  for (let a = 0; a < info.filterHeight; a++) {
    const rows = reaching(a, info.padInfo.top, info.strideHeight, info.inHeight, info.outHeight);
    for (let b = 0; b < info.filterWidth; b++) {
      const cols = reaching(b, info.padInfo.left, info.strideWidth, info.inWidth, info.outWidth);
      if (rows[1] > rows[0] && cols[1] > cols[0]) scatters.push({ a, b, rows, cols });
    }
  }
  return scatters;
}

/** Along one axis: the outputs o in [0, outSize) with 0 <= o * stride - padBefore + tap < size. */
function reaching(tap: number, padBefore: number, stride: number, size: number, outSize: number): [number, number] {
  const first = Math.max(0, Math.ceil((padBefore - tap) / stride));
  const end = Math.min(outSize, Math.floor((size - 1 + padBefore - tap) / stride) + 1);
  return [first, Math.max(first, end)];
}
