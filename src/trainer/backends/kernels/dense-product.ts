/**
 * A dense layer's training products by the SIMD loops of gathered-product-simd.ts: the forward product
 * x [M, K] by the kernel [K, N] for a batch of at most MAX_ROWS rows, and the weight gradient xᵀ dy, read
 * from x as it lies. The package's XNNPACK path packs its right operand at every call (the kernel changes at
 * every step), which costs more than the multiplications when the left operand has few rows, and its
 * transposed product needs x transposed first.
 */
import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { BLOCK_ROWS, productLoops } from './gathered-product-simd.js';
import { heapBuffer, withScratch } from './heap-module.js';

/** Rows of the left operand up to which packing the right one costs more than multiplying by it. */
const MAX_ROWS = 128;

/** Bytes of the right operand per chunk of its rows: a chunk stays in L2 while every block of out streams over it. */
const CHUNK_BYTES = 128 * 1024;

function address(wasm: BackendWasm, t: tf.TensorInfo): number {
  return (wasm.typedArrayFromHeap(t) as Float32Array).byteOffset;
}

/**
 * a [1, M, K] (or with transposeA a [1, K, M], multiplied as its transpose) by b [1, K, N], as [1, M, N]; null
 * where the loops do not apply (N not a multiple of 8, more than MAX_ROWS rows untransposed, not float32).
 */
export function denseProduct(backend: tf.KernelBackend, a: tf.TensorInfo, b: tf.TensorInfo, transposeA: boolean): tf.TensorInfo | null {
  const wasm = backend as unknown as BackendWasm;
  const [, rows, cols] = a.shape;
  const [m, inner] = transposeA ? [cols, rows] : [rows, cols];
  const [, innerB, n] = b.shape;
  if (innerB !== inner || n % 8 !== 0 || (!transposeA && m > MAX_ROWS) || a.dtype !== 'float32' || b.dtype !== 'float32') return null;
  if (m * inner * n === 0) return null;
  const loops = productLoops(wasm);
  if (loops === null) return null;
  const out = wasm.makeOutput([1, m, n], 'float32');
  // a(r, p) lies at a + offset(r) + p * step.
  const step = transposeA ? 4 * m : 4;
  withScratch(wasm, 4 * (m + 1), (tables) => {
    // Views only after the allocations above: growing the heap detaches earlier ones.
    const offsets = new Int32Array(heapBuffer(wasm), tables, m);
    for (let r = 0; r < m; r++) offsets[r] = transposeA ? 4 * r : 4 * r * inner;
    (wasm.typedArrayFromHeap(out) as Float32Array).fill(0);
    const runBase = tables + 4 * m;
    const [aAt, bAt, outAt] = [address(wasm, a), address(wasm, b), address(wasm, out)];
    const cb = 4 * n;
    const blocks = Math.floor(m / BLOCK_ROWS);
    const rest = m - blocks * BLOCK_ROWS;
    const chunk = Math.max(8, Math.floor(CHUNK_BYTES / cb));
    for (let p = 0; p < inner; p += chunk) {
      const count = Math.min(chunk, inner - p);
      new Int32Array(heapBuffer(wasm), runBase, 1)[0] = p * step;
      if (blocks > 0) loops.rows4(aAt, runBase, 1, count * step, step, bAt + p * cb, cb, tables, blocks, outAt);
      if (rest > 0) loops.rows1(aAt, runBase, 1, count * step, step, bAt + p * cb, cb, tables + 4 * BLOCK_ROWS * blocks, rest, outAt + BLOCK_ROWS * blocks * cb);
    }
  });
  return out;
}
