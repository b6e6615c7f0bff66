/**
 * Conv2DBackpropFilter by the SIMD loops of gathered-product-simd.ts: dW[r, co] = sum over output pixels p
 * of x[window(p) + tap(r)] dy[p, co], r = (kh * KW + kw) * C_in + ci, with x zero-padded on the heap (where the
 * convolution pads or its windows end before x does, a copy; x itself otherwise), the tables of window
 * origins and tap offsets, then the loops over chunks of output rows, accumulating into dW (threaded-product.ts:
 * on several threads where the backend has them).
 */
import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { productLoops } from './gathered-product-simd.js';
import { heapAddress, heapBuffer, withScratch } from './heap-module.js';
import { runProduct, type Chunks } from './threaded-product.js';

/** Output pixels per chunk: x and dy of a chunk stay in L2 while every block of dW streams over them. */
const CHUNK_PIXELS = 512;

/** Output channels per register block: the loops need C_out to be a multiple of it. */
const BLOCK_CHANNELS = 8;

/** dW [KH, KW, C_in, C_out] of the convolution `info` of x by output gradient dy, or null where the loops do not apply. */
export function filterGradientOnHeap(backend: tf.KernelBackend, x: tf.TensorInfo, dy: tf.TensorInfo, info: tf.backend_util.Conv2DInfo): tf.TensorInfo | null {
  const wasm = backend as unknown as BackendWasm;
  const { batchSize: n, inChannels: ci, outChannels: co, outHeight: oh, outWidth: ow, filterHeight: kh, filterWidth: kw } = info;
  const { strideHeight: sh, strideWidth: sw, dilationHeight, dilationWidth } = info;
  if (co % BLOCK_CHANNELS !== 0 || dilationHeight !== 1 || dilationWidth !== 1 || x.dtype !== 'float32' || dy.dtype !== 'float32') return null;
  if (n * oh * ow === 0) return null;
  const loops = productLoops(wasm);
  if (loops === null) return null;
  const padded = paddedInput(wasm, x, info);
  const [, hp, wp] = padded.shape;
  const out = wasm.makeOutput([kh, kw, ci, co], 'float32');
  const filterRows = kh * kw * ci;
  const windows = n * oh;
  try {
    withScratch(wasm, 4 * (filterRows + windows), (tables) => {
      // Views only after the allocations above: growing the heap detaches earlier ones.
      const offsets = new Int32Array(heapBuffer(wasm), tables, filterRows);
      for (let a = 0, r = 0; a < kh; a++) {
        for (let b = 0; b < kw; b++) {
          for (let c = 0; c < ci; c++, r++) offsets[r] = ((a * wp + b) * ci + c) * 4;
        }
      }
      const rowBase = new Int32Array(heapBuffer(wasm), tables + 4 * filterRows, windows);
      for (let image = 0, q = 0; image < n; image++) {
        for (let i = 0; i < oh; i++, q++) rowBase[q] = (image * hp + i * sh) * wp * ci * 4;
      }
      (wasm.typedArrayFromHeap(out) as Float32Array).fill(0);
      const [xAt, dyAt, accAt] = [heapAddress(wasm, padded), heapAddress(wasm, dy), heapAddress(wasm, out)];
      const xStep = sw * ci * 4;
      const chunkRows = Math.max(1, Math.round(CHUNK_PIXELS / ow));
      const full = Math.floor(windows / chunkRows);
      const last = windows - full * chunkRows;
      const chunkOf = (q: number, runs: number, count: number): Chunks => ({
        count, rowBase: tables + 4 * (filterRows + q), runs, rowBytes: ow * xStep, xStep, dy: dyAt + q * ow * co * 4, rowBaseStep: 4 * runs, dyStep: runs * ow * co * 4,
      });
      const series = [chunkOf(0, chunkRows, full), ...(last > 0 ? [chunkOf(full * chunkRows, last, 1)] : [])];
      runProduct(wasm, loops, { x: xAt, rows: filterRows, offsets: tables, acc: accAt, cb: co * 4 }, series, filterRows * windows * ow * co);
    });
  } finally {
    if (padded !== x) wasm.disposeData(padded.dataId);
  }
  return out;
}

/**
 * x with the convolution's zero padding: [N, Hp, Wp, C] with Hp = (OH - 1) * sh + KH (likewise Wp), so that
 * window (i, j) starts at row i * sh, column j * sw. x itself where it needs no padding (its rows and
 * columns past the last window are then never read).
 */
export function paddedInput(wasm: BackendWasm, x: tf.TensorInfo, info: tf.backend_util.Conv2DInfo): tf.TensorInfo {
  const [n, h, w, c] = x.shape;
  const { top, left } = info.padInfo;
  const hp = (info.outHeight - 1) * info.strideHeight + info.filterHeight;
  const wp = (info.outWidth - 1) * info.strideWidth + info.filterWidth;
  if (top === 0 && left === 0 && hp <= h && wp <= w) return x;
  const out = wasm.makeOutput([n, hp, wp, c], 'float32');
  // Views only after the allocation above: growing the heap detaches earlier ones.
  const source = wasm.typedArrayFromHeap(x) as Float32Array;
  const target = wasm.typedArrayFromHeap(out) as Float32Array;
  target.fill(0);
  const firstCol = Math.max(0, left);
  const cols = Math.min(w, wp - left);
  for (let image = 0; image < n; image++) {
    for (let i = 0; i < hp; i++) {
      const row = i - top;
      if (row < 0 || row >= h) continue;
      const from = (image * h + row) * w * c;
      target.set(source.subarray(from, from + cols * c), ((image * hp + i) * wp + firstCol) * c);
    }
  }
  return out;
}
