/**
 * The two kinds of pass over an activation [rows, C] (channels last) that batch-norm training needs: per-channel
 * sums, and a per-channel affine map. SIMD loops (batch-norm-simd.ts) where C is a multiple of 4, plain
 * JavaScript over heap views otherwise; the SIMD loops on the kernel pool's threads where the activation is
 * large. Sums are kept in float64 (SIMD: float32 over blocks of rows, folded; a piece of rows per thread, added
 * in piece order).
 */
import type * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { simdLoops, SUM_BLOCK_ROWS, type SimdLoops } from './batch-norm-simd.js';
import { heapAddress, heapBuffer, withScratch } from './heap-module.js';
import type { Call } from './threads/pool.js';
import { rowPieces } from './threads/row-pieces.js';

export interface ChannelSums {
  /** sum of g per channel */
  g: Float64Array;
  /** sum of g d per channel */
  gd: Float64Array;
}

function loopsFor(wasm: BackendWasm, x: tf.TensorInfo): SimdLoops | null {
  const c = x.shape[x.shape.length - 1];
  return c % 4 === 0 && c > 0 && x.shape.every((n) => n > 0) ? simdLoops(wasm) : null;
}

/**
 * With `dy`: g = dy, d = x - center. Without: g = d = x - center. `center` is a [C] tensor, or null for x's
 * first row (a shift that keeps the sums of squares from cancelling; the caller adds it back).
 */
export function channelSums(wasm: BackendWasm, x: tf.TensorInfo, center: tf.TensorInfo | null, dy?: tf.TensorInfo): ChannelSums {
  const loops = loopsFor(wasm, x);
  if (loops === null) return channelSumsInJs(wasm, x, center, dy);
  const xAt = heapAddress(wasm, x);
  const at = { x: xAt, center: center === null ? xAt : heapAddress(wasm, center), dy: dy === undefined ? undefined : heapAddress(wasm, dy) };
  const [g, gd] = simdSums(wasm, loops, dy === undefined ? 'moments' : 'gradientSums', at, x.shape);
  return { g, gd };
}

/**
 * channelSums by the SIMD loops, for an activation of `shape` (C a multiple of 4) at heap address at.x, the
 * center (C floats) at at.center and dy, if any, at at.dy: for data that is not a tensor of its own.
 */
export function channelSumsAt(wasm: BackendWasm, at: { x: number; center: number; dy: number }, shape: number[]): ChannelSums | null {
  const loops = shape[shape.length - 1] % 4 === 0 ? simdLoops(wasm) : null;
  if (loops === null) return null;
  const [g, gd] = simdSums(wasm, loops, 'gradientSums', at, shape);
  return { g, gd };
}

/** Per-channel sums of x over all its rows by the SIMD loops (a tensor's bias gradient), or null where they do not apply. */
export function simdChannelTotals(wasm: BackendWasm, x: tf.TensorInfo): Float64Array | null {
  const loops = loopsFor(wasm, x);
  if (loops === null) return null;
  const xAt = heapAddress(wasm, x);
  return simdSums(wasm, loops, 'totals', { x: xAt, center: xAt }, x.shape)[0];
}

/** The sums of one of the loops over every row: [g, gd] (totals: [g]), each [C] in float64. */
function simdSums(wasm: BackendWasm, loops: SimdLoops, fn: 'moments' | 'gradientSums' | 'totals', at: { x: number; center: number; dy?: number }, shape: number[]): Float64Array[] {
  const c = shape[shape.length - 1];
  const rows = shape.reduce((a, b) => a * b, 1) / c;
  const cb = 4 * c;
  const { x: xAt, center: centerAt, dy: dyAt } = at;
  const sumCount = fn === 'totals' ? 1 : 2;
  const { ranges, run } = rowPieces(wasm, rows, SUM_BLOCK_ROWS, rows * cb * (dyAt === undefined ? 1 : 2));
  // Per piece: float32 block sums acc32 [C per sum] and their float64 fold acc64 [C per sum].
  const pieceBytes = 12 * c * sumCount;
  return withScratch(wasm, pieceBytes * ranges.length, (scratch) => {
    // Views only after the allocation: it may have grown the heap.
    new Uint8Array(heapBuffer(wasm), scratch, pieceBytes * ranges.length).fill(0);
    run(ranges.map(([first, end], i) => {
      const [acc32, acc64] = [scratch + i * pieceBytes, scratch + i * pieceBytes + 4 * c * sumCount];
      const calls: Call[] = [];
      for (let row = first; row < end; row += SUM_BLOCK_ROWS) {
        const count = Math.min(SUM_BLOCK_ROWS, end - row);
        const rowArgs = [xAt + row * cb, count, cb, centerAt, acc32, acc64];
        calls.push({ loops, fn, args: fn === 'gradientSums' ? [dyAt! + row * cb, ...rowArgs] : rowArgs });
      }
      return calls;
    }));
    const sums = new Float64Array(sumCount * c);
    ranges.forEach((_, i) => new Float64Array(heapBuffer(wasm), scratch + i * pieceBytes + 4 * c * sumCount, sumCount * c).forEach((v, j) => (sums[j] += v)));
    return [sums.slice(0, c), ...(sumCount === 2 ? [sums.slice(c)] : [])];
  });
}

function channelSumsInJs(wasm: BackendWasm, x: tf.TensorInfo, center: tf.TensorInfo | null, dy?: tf.TensorInfo): ChannelSums {
  const c = x.shape[x.shape.length - 1];
  const xs = wasm.typedArrayFromHeap(x) as Float32Array;
  const shift = Float64Array.from(center === null ? xs.subarray(0, c) : (wasm.typedArrayFromHeap(center) as Float32Array));
  const g = new Float64Array(c);
  const gd = new Float64Array(c);
  if (dy === undefined) {
    for (let i = 0; i < xs.length; i += c) {
      for (let ch = 0; ch < c; ch++) {
        const d = xs[i + ch] - shift[ch];
        g[ch] += d;
        gd[ch] += d * d;
      }
    }
  } else {
    const dys = wasm.typedArrayFromHeap(dy) as Float32Array;
    for (let i = 0; i < xs.length; i += c) {
      for (let ch = 0; ch < c; ch++) {
        g[ch] += dys[i + ch];
        gd[ch] += dys[i + ch] * (xs[i + ch] - shift[ch]);
      }
    }
  }
  return { g, gd };
}

/** x's first row (the shift channelSums uses when `center` is null). */
export function firstRow(wasm: BackendWasm, x: tf.TensorInfo): Float64Array {
  const c = x.shape[x.shape.length - 1];
  return Float64Array.from((wasm.typedArrayFromHeap(x) as Float32Array).subarray(0, c));
}

/** out = a u + b v + k per channel (b and v may be left out). */
export function affineRows(
  wasm: BackendWasm, out: tf.TensorInfo, u: tf.TensorInfo, a: Float64Array, k: Float64Array, v?: tf.TensorInfo, b?: Float64Array,
): void {
  const c = out.shape[out.shape.length - 1];
  const loops = loopsFor(wasm, out);
  if (loops === null) {
    affineRowsInJs(wasm, out, u, a, k, v, b);
    return;
  }
  const rows = (wasm.typedArrayFromHeap(out) as Float32Array).length / c;
  withScratch(wasm, 12 * c, (scratch) => {
    const coefficients = new Float32Array(heapBuffer(wasm), scratch, 3 * c);
    coefficients.set(a, 0);
    if (b === undefined) coefficients.fill(0, c, 2 * c);
    else coefficients.set(b, c);
    coefficients.set(k, 2 * c);
    const uAt = heapAddress(wasm, u);
    const [vAt, outAt, cb] = [v === undefined ? uAt : heapAddress(wasm, v), heapAddress(wasm, out), 4 * c];
    const { ranges, run } = rowPieces(wasm, rows, 1, rows * cb * (v === undefined ? 2 : 3));
    run(ranges.map(([first, end]) => [{ loops, fn: 'affine', args: [uAt + first * cb, vAt + first * cb, outAt + first * cb, end - first, cb, scratch, scratch + cb, scratch + 2 * cb] }]));
  });
}

function affineRowsInJs(
  wasm: BackendWasm, out: tf.TensorInfo, u: tf.TensorInfo, a: Float64Array, k: Float64Array, v?: tf.TensorInfo, b?: Float64Array,
): void {
  const c = out.shape[out.shape.length - 1];
  const target = wasm.typedArrayFromHeap(out) as Float32Array;
  const us = wasm.typedArrayFromHeap(u) as Float32Array;
  if (v === undefined || b === undefined) {
    for (let i = 0; i < us.length; i += c) {
      for (let ch = 0; ch < c; ch++) target[i + ch] = a[ch] * us[i + ch] + k[ch];
    }
    return;
  }
  const vs = wasm.typedArrayFromHeap(v) as Float32Array;
  for (let i = 0; i < us.length; i += c) {
    for (let ch = 0; ch < c; ch++) target[i + ch] = a[ch] * us[i + ch] + b[ch] * vs[i + ch] + k[ch];
  }
}
