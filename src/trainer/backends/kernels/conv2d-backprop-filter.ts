/**
 * Conv2DBackpropFilter for wasm (the package has none). Where C_out is a multiple of 8 (every layer the search
 * spaces propose), by the SIMD loops of filter-gradient.ts on one thread: the routes below give XNNPACK
 * convolutions or products of shapes it runs slowly (a filter as large as the image, or packing per call).
 * With more threads the loops run on the kernel pool's threads (threads/pool.ts) and go first up to a size of
 * dW; where those threads are not there (NAS_KERNEL_THREADS=1, or the pool's workers still starting) they stay
 * ahead of XNNPACK on all threads only for layers of few input channels (MULTI_THREAD_MAX_CHANNELS).
 *
 * Otherwise as one forward convolution that XNNPACK runs on all threads: with the batch as the channel axis,
 *   dW[kh,kw,ci,co] = sum over (oh,ow,n) of x'[ci, kh + oh*s - top, kw + ow*s - left, n] * dy'[oh, ow, n, co]
 * where x' = x transposed to [CI, H, W, N] and dy' = dy transposed to [OH, OW, N, CO]: a convolution of x'
 * (CI "images") by the filter dy' with dilation s, whose [CI, KH, KW, CO] output is dW up to a transpose.
 * Measured here it is 3 to 5 times faster than an im2col matrix product built from wasm slices.
 *
 * Where the filter has few input taps (C_in * KH * KW, at most SMALL_FILTER_ROWS: first layers on grayscale
 * or RGB images), that convolution has only a handful of output pixels and a huge filter to pack, and is slow
 * (33 ms for 3x3x1->32 on 128 images of 28x28). There dW is one matrix product of the transposed im2col matrix,
 * written by a heap loop, with dy: dW[(kh,kw,ci), co] = sum over (n,oh,ow) of P[(kh,kw,ci), (n,oh,ow)] dy[(n,oh,ow), co]
 * (4.3 ms for the same case; 3x3x3->64 on 32x32 images: 100 -> 25 ms).
 */
import * as tf from '@tensorflow/tfjs';
import { getThreadsCount, type BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { KernelComposer, wasmKernel } from './compose.js';
import { convGeometry, type ConvGradientAttrs, type Shape4 } from './conv-info.js';
import { filterGradientOnHeap } from './filter-gradient.js';
import { batchToChannels, windowsAsRows } from './heap.js';
import { kernelPool } from './threads/pool.js';

type Attrs = ConvGradientAttrs & { filterShape: Shape4 };

const MULTI_THREAD_MAX_CHANNELS = 32;

/**
 * Measured at 2 threads, batch 64: the threaded loops were ahead of XNNPACK up to 1.2 MB of dW (3x3x128 -> 256:
 * 68 -> 51 ms; 3x3x64 -> 64: 116 -> 63 ms), level at 6.5 MB (5x5x128 -> 512: 69 and 66 ms) and slower there
 * in training.
 */
const MULTI_THREAD_MAX_FILTER_BYTES = 2 << 20;

/** Measured crossover: at 72 taps (3x3x8) the matrix product was faster, at 100 (5x5x4) and 144 (3x3x16) slower. */
const SMALL_FILTER_ROWS = 80;

function conv2dBackpropFilter(inputs: Record<'x' | 'dy', tf.TensorInfo>, backend: tf.KernelBackend, attrs: Attrs): tf.TensorInfo {
  const { x, dy } = inputs;
  const info = convGeometry('Conv2DBackpropFilter', x.shape as Shape4, attrs.filterShape, attrs);
  const onHeap = loopsFirst(backend, info) ? filterGradientOnHeap(backend, x, dy, info) : null;
  if (onHeap !== null) return onHeap;
  const { strideHeight: sh, strideWidth: sw, filterHeight: kh, filterWidth: kw } = info;
  const k = new KernelComposer(backend, 'Conv2DBackpropFilter');
  if (info.inChannels * kh * kw <= SMALL_FILTER_ROWS) {
    const windows = k.adopt(windowsAsRows(backend, x, info));
    const dy2 = k.reshape(dy, [1, windows.shape[1], info.outChannels]);
    const dw = k.run('BatchMatMul', { a: k.reshape(windows, [1, ...windows.shape]), b: dy2 }, { transposeA: false, transposeB: false });
    return k.finish(k.reshape(dw, attrs.filterShape));
  }
  const rows = spanOfWindows(info.inHeight, info.padInfo.top, kh, info.outHeight, sh);
  const cols = spanOfWindows(info.inWidth, info.padInfo.left, kw, info.outWidth, sw);
  const xT = k.adopt(batchToChannels(backend, x, rows.keep, cols.keep));
  const dyT = k.transpose(dy, [1, 2, 0, 3]);
  const pad: tf.backend_util.ExplicitPadding = [[0, 0], [rows.before, rows.after], [cols.before, cols.after], [0, 0]];
  const dwT = k.run('Conv2D', { x: xT, filter: dyT }, { strides: [1, 1], pad, dataFormat: 'NHWC', dilations: [sh, sw] });
  return k.finish(k.transpose(dwT, [1, 2, 0, 3]));
}

/**
 * Whether the heap loops go first: on one thread; for few input channels; or on as many threads as XNNPACK
 * has, for a dW of at most MULTI_THREAD_MAX_FILTER_BYTES.
 */
function loopsFirst(backend: tf.KernelBackend, info: tf.backend_util.Conv2DInfo): boolean {
  const threads = getThreadsCount();
  if (threads === 1 || info.inChannels <= MULTI_THREAD_MAX_CHANNELS) return true;
  const filterBytes = 4 * info.filterHeight * info.filterWidth * info.inChannels * info.outChannels;
  return filterBytes <= MULTI_THREAD_MAX_FILTER_BYTES && (kernelPool(backend as unknown as BackendWasm)?.threads() ?? 1) >= threads;
}

/**
 * Along one axis: the input rows the windows read (`keep` from the start) and the zero padding before and
 * after them, so that a stride-1 convolution dilated by `stride` with an `outSize`-tap filter gives `kernel` outputs.
 */
function spanOfWindows(size: number, padBefore: number, kernel: number, outSize: number, stride: number) {
  const needed = kernel + (outSize - 1) * stride;
  const keep = Math.min(size, needed - padBefore);
  return { keep, before: padBefore, after: needed - padBefore - keep };
}

export const conv2dBackpropFilterConfig = wasmKernel('Conv2DBackpropFilter', conv2dBackpropFilter);
