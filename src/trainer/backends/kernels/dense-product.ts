/**
 * A dense layer's training products by the SIMD loops of gathered-product-simd.ts: the forward product
 * x [M, K] by the kernel [K, N] for a batch of at most MAX_ROWS rows, and the weight gradient xᵀ dy, read
 * from x as it lies. The package's XNNPACK path packs its right operand at every call (the kernel changes at
 * every step), which costs more than the multiplications when the left operand has few rows, and its
 * transposed product needs x transposed first.
 */
import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { columnCopyLoops } from './column-copy.js';
import { productLoops, type ProductLoops } from './gathered-product-simd.js';
import { heapAddress, heapBuffer, withScratch } from './heap-module.js';
import { runProduct, type Chunks } from './threaded-product.js';

/** Rows of the left operand up to which packing the right one costs more than multiplying by it. */
export const MAX_ROWS = 128;

/** Bytes of the right operand per chunk of its rows: a chunk stays in L2 while every block of out streams over it. */
const CHUNK_BYTES = 128 * 1024;

/**
 * a [1, M, K] (or with transposeA a [1, K, M], multiplied as its transpose) by b [1, K, N], as [1, M, N]; null
 * where the loops do not apply (more than MAX_ROWS rows untransposed, not float32). The loops take 8 columns
 * at a time: for other N (a classifier's 10 classes) b and out go through copies padded to a multiple of 8.
 */
export function denseProduct(backend: tf.KernelBackend, a: tf.TensorInfo, b: tf.TensorInfo, transposeA: boolean): tf.TensorInfo | null {
  const wasm = backend as unknown as BackendWasm;
  const [, rows, cols] = a.shape;
  const [m, inner] = transposeA ? [cols, rows] : [rows, cols];
  const [, innerB, n] = b.shape;
  if (innerB !== inner || (!transposeA && m > MAX_ROWS) || a.dtype !== 'float32' || b.dtype !== 'float32') return null;
  if (m * inner * n === 0) return null;
  const loops = productLoops(wasm);
  if (loops === null) return null;
  const out = wasm.makeOutput([1, m, n], 'float32');
  const product = { m, inner, transposeA, a: heapAddress(wasm, a) };
  if (n % 8 === 0) {
    multiplyInto(wasm, loops, product, heapAddress(wasm, b), n, heapAddress(wasm, out));
    return out;
  }
  const wide = 8 * Math.ceil(n / 8);
  withScratch(wasm, 4 * wide * (inner + m), (scratch) => {
    const [paddedB, paddedOut] = [scratch, scratch + 4 * wide * inner];
    copyColumns(wasm, heapAddress(wasm, b), n, paddedB, wide, inner);
    multiplyInto(wasm, loops, product, paddedB, wide, paddedOut);
    copyColumns(wasm, paddedOut, wide, heapAddress(wasm, out), n, m);
  });
  return out;
}

interface LeftOperand {
  m: number;
  inner: number;
  transposeA: boolean;
  /** Its address on the heap. */
  a: number;
}

/** out [M, N] = a times b [K, N], at heap addresses (N a multiple of 8). */
function multiplyInto(wasm: BackendWasm, loops: ProductLoops, { m, inner, transposeA, a }: LeftOperand, bAt: number, n: number, outAt: number): void {
  // a(r, p) lies at a + offset(r) + p * step.
  const step = transposeA ? 4 * m : 4;
  const fits = Math.max(8, Math.floor(CHUNK_BYTES / (4 * n)));
  // Fewer than two chunks' worth: one chunk (out is then set, not zeroed and added to).
  const chunk = inner < 2 * fits ? inner : fits;
  const full = Math.floor(inner / chunk);
  const last = inner - full * chunk;
  const chunkCount = full + (last > 0 ? 1 : 0);
  // The tables, then a row of zeros that one chunk starts out from (out is then written once, never read).
  withScratch(wasm, 4 * (m + chunkCount + n), (tables) => {
    // Views only after the allocations above: growing the heap detaches earlier ones.
    const offsets = new Int32Array(heapBuffer(wasm), tables, m);
    for (let r = 0; r < m; r++) offsets[r] = transposeA ? 4 * r : 4 * r * inner;
    const zeros = tables + 4 * (m + chunkCount);
    new Float32Array(heapBuffer(wasm), chunkCount === 1 ? zeros : outAt, chunkCount === 1 ? n : m * n).fill(0);
    // One run a chunk: its first position.
    const runBase = new Int32Array(heapBuffer(wasm), tables + 4 * m, chunkCount);
    for (let i = 0; i < chunkCount; i++) runBase[i] = i * chunk * step;
    const chunkOf = (p: number, length: number, count: number): Chunks => ({
      count, rowBase: tables + 4 * (m + p / chunk), runs: 1, rowBytes: length * step, xStep: step, dy: bAt + p * 4 * n, rowBaseStep: 4, dyStep: length * 4 * n,
    });
    const series = [chunkOf(0, chunk, full), ...(last > 0 ? [chunkOf(full * chunk, last, 1)] : [])];
    runProduct(wasm, loops, { x: a, rows: m, offsets: tables, acc: outAt, cb: 4 * n, init: chunkCount === 1 ? zeros : undefined }, series, m * inner * n);
  });
}

/** Copies `rows` rows of a matrix with `from` columns into one with `to` columns, zero-filling columns past `from`. */
function copyColumns(wasm: BackendWasm, source: number, from: number, target: number, to: number, rows: number): void {
  const loops = columnCopyLoops(wasm);
  if (loops === null) throw new Error('the column-copy loop cannot run where the product loops do');
  loops.copyColumns(source, 4 * from, target, 4 * to, 4 * Math.min(from, to), rows);
}
