/** Plain loops over the wasm heap, for data movement that wasm's own kernels do slowly. */
import type * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

/**
 * x [N, H, W, C] cropped to its first `rows` x `cols` pixels and transposed to [C, rows, cols, N]. Twice as
 * fast as wasm's Transpose on [128, 32, 32, 64] (whose power-of-two strides it handles badly).
 */
export function batchToChannels(backend: tf.KernelBackend, x: tf.TensorInfo, rows: number, cols: number): tf.TensorInfo {
  const [n, h, w, c] = x.shape;
  const wasm = backend as unknown as BackendWasm;
  const out = wasm.makeOutput([c, rows, cols, n], 'float32');
  // Views only after the allocation above: growing the heap detaches earlier ones.
  const source = wasm.typedArrayFromHeap(x) as Float32Array;
  const target = wasm.typedArrayFromHeap(out) as Float32Array;
  const imageStride = h * w * c;
  for (let row = 0; row < rows; row++) {
    for (let col = 0; col < cols; col++) {
      const pixel = (row * w + col) * c;
      const pixelOut = (row * cols + col) * n;
      for (let ch = 0; ch < c; ch++) {
        const to = ch * rows * cols * n + pixelOut;
        for (let b = 0, from = pixel + ch; b < n; b++, from += imageStride) target[to + b] = source[from];
      }
    }
  }
  return out;
}

/**
 * The transposed im2col matrix of x [N, H, W, C] for a convolution's windows: row (kh * KW + kw) * C + c,
 * column (n * OH + oh) * OW + ow holds x[n, oh * sh + kh - top, ow * sw + kw - left, c], or 0 in the padding.
 * Rows are written in order, so the cost is one pass of reads per row: meant for few input channels.
 */
export function windowsAsRows(backend: tf.KernelBackend, x: tf.TensorInfo, info: tf.backend_util.Conv2DInfo): tf.TensorInfo {
  const [n, h, w, c] = x.shape;
  const { filterHeight: kh, filterWidth: kw, outHeight: oh, outWidth: ow, strideHeight: sh, strideWidth: sw } = info;
  const { top, left } = info.padInfo;
  const wasm = backend as unknown as BackendWasm;
  const out = wasm.makeOutput([kh * kw * c, n * oh * ow], 'float32');
  // Views only after the allocation above: growing the heap detaches earlier ones.
  const source = wasm.typedArrayFromHeap(x) as Float32Array;
  const target = wasm.typedArrayFromHeap(out) as Float32Array;
  let at = 0;
  for (let i = 0; i < kh; i++) {
    for (let j = 0; j < kw; j++) {
      // Output columns whose input column ow * sw + j - left lies inside the image.
      const firstCol = Math.min(ow, Math.max(0, Math.ceil((left - j) / sw)));
      const endCol = Math.max(firstCol, Math.min(ow, Math.floor((w - 1 + left - j) / sw) + 1));
      for (let ch = 0; ch < c; ch++) {
        for (let b = 0; b < n; b++) {
          for (let r = 0; r < oh; r++, at += ow) {
            const row = r * sh + i - top;
            if (row < 0 || row >= h) {
              target.fill(0, at, at + ow);
              continue;
            }
            const base = ((b * h + row) * w - left + j) * c + ch;
            target.fill(0, at, at + firstCol);
            for (let q = firstCol, from = base + firstCol * sw * c; q < endCol; q++, from += sw * c) target[at + q] = source[from];
            target.fill(0, at + endCol, at + ow);
          }
        }
      }
    }
  }
  return out;
}

/**
 * Rows [start, start + count) of a matrix [1, R, C] as [1, count, C]: one copy on the heap. The package's
 * Slice copies element by element (470 ms for the row blocks of a 50176 x 128 matrix, under 10 here).
 */
export function rowBlock(backend: tf.KernelBackend, x: tf.TensorInfo, start: number, count: number): tf.TensorInfo {
  const c = x.shape[2];
  const wasm = backend as unknown as BackendWasm;
  const out = wasm.makeOutput([1, count, c], 'float32');
  // Views only after the allocation above: growing the heap detaches earlier ones.
  const source = wasm.typedArrayFromHeap(x) as Float32Array;
  (wasm.typedArrayFromHeap(out) as Float32Array).set(source.subarray(start * c, (start + count) * c));
  return out;
}

/** Columns [start, start + count) of a matrix [1, R, C] as [1, R, count]: a heap copy of each row's run. */
export function columnBlock(backend: tf.KernelBackend, x: tf.TensorInfo, start: number, count: number): tf.TensorInfo {
  const [, r, c] = x.shape;
  const wasm = backend as unknown as BackendWasm;
  const out = wasm.makeOutput([1, r, count], 'float32');
  const source = wasm.typedArrayFromHeap(x) as Float32Array;
  const target = wasm.typedArrayFromHeap(out) as Float32Array;
  for (let row = 0; row < r; row++) target.set(source.subarray(row * c + start, row * c + start + count), row * count);
  return out;
}

/**
 * dx [N, H, W, C] from its stride phases: `phases[p][q]` holds dx[n, s * i + p, t * j + q, c] as
 * [N, rows, cols, C] (s and t the numbers of row and column phases), or null where dx is zero.
 */
export function interleavePhases(backend: tf.KernelBackend, phases: (tf.TensorInfo | null)[][], shape: number[]): tf.TensorInfo {
  const [n, h, w, c] = shape;
  const s = phases.length;
  const t = phases[0].length;
  const wasm = backend as unknown as BackendWasm;
  const out = wasm.makeOutput(shape, 'float32');
  // Views only after the allocation above: growing the heap detaches earlier ones.
  const target = wasm.typedArrayFromHeap(out) as Float32Array;
  if (phases.some((row) => row.includes(null))) target.fill(0);
  phases.forEach((row, p) => row.forEach((phase, q) => {
    if (phase === null) return;
    const [, rows, cols] = phase.shape;
    const source = wasm.typedArrayFromHeap(phase) as Float32Array;
    for (let b = 0, from = 0; b < n; b++) {
      for (let i = 0; i < rows; i++) {
        for (let j = 0; j < cols; j++, from += c) {
          target.set(source.subarray(from, from + c), ((b * h + s * i + p) * w + t * j + q) * c);
        }
      }
    }
  }));
  return out;
}

/**
 * The taps of filter W [KH, KW, C_in, C_out] at rows first.r + s.r * (taps.r - 1 - a) and columns
 * first.c + s.c * (taps.c - 1 - b), rotated by 180 degrees and with the channel axes swapped: out[a, b, o, i].
 * One pass, where the package's StridedSlice and Reverse copy element by element.
 */
export function rotatedTaps(
  backend: tf.KernelBackend, filter: tf.TensorInfo, first: { r: number; c: number }, taps: { r: number; c: number }, step: { r: number; c: number },
): tf.TensorInfo {
  const [, kw, ci, co] = filter.shape;
  const wasm = backend as unknown as BackendWasm;
  const out = wasm.makeOutput([taps.r, taps.c, co, ci], 'float32');
  // Views only after the allocation above: growing the heap detaches earlier ones.
  const source = wasm.typedArrayFromHeap(filter) as Float32Array;
  const target = wasm.typedArrayFromHeap(out) as Float32Array;
  for (let a = 0, to = 0; a < taps.r; a++) {
    for (let b = 0; b < taps.c; b++, to += ci * co) {
      const from = ((first.r + step.r * (taps.r - 1 - a)) * kw + first.c + step.c * (taps.c - 1 - b)) * ci * co;
      for (let i = 0; i < ci; i++) {
        for (let o = 0, at = from + i * co; o < co; o++, at++) target[to + o * ci + i] = source[at];
      }
    }
  }
  return out;
}
