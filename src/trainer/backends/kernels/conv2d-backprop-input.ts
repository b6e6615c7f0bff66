/**
 * Conv2DBackpropInput for wasm, replacing the package's slow direct loop, as forward convolutions (XNNPACK)
 * of the output gradient by the filter rotated by 180 degrees with its channel axes swapped:
 * dx[h] = sum over kh of dy[(h + top - kh) / s] * W[kh], over the kh for which the division is exact.
 *
 * Stride 1: one convolution. Stride s > 1: one convolution per output phase (h mod s, w mod s), each by the
 * taps of that phase (kh = r, r + s, ...) on the undilated dy, interleaved into dx. The single convolution
 * of a zero-dilated dy that this replaces multiplied s^2 - 1 zeros for every useful product (4 times the
 * work at stride 2: 214 ms of a 917 ms step of C128k5-Pmax2-C32k3s2 at batch 64).
 */
import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { KernelComposer, wasmKernel } from './compose.js';
import { convGeometry, type ConvGradientAttrs, type Shape4 } from './conv-info.js';
import { interleavePhases, rotatedTaps } from './heap.js';
import { columnsFirst, inputGradientByColumns } from './columns-input-gradient.js';
import { inputGradientUnneeded } from './unneeded-input-gradient.js';

type Attrs = ConvGradientAttrs & { inputShape: Shape4 };

function conv2dBackpropInput(inputs: Record<'dy' | 'filter', tf.TensorInfo>, backend: tf.KernelBackend, attrs: Attrs): tf.TensorInfo {
  const { dy, filter } = inputs;
  if (inputGradientUnneeded(filter)) return zeros(backend, attrs.inputShape);
  const info = convGeometry('Conv2DBackpropInput', attrs.inputShape, filter.shape as Shape4, attrs);
  const byColumns = columnsFirst(info) ? inputGradientByColumns(backend, dy, filter, info) : null;
  if (byColumns !== null) return byColumns;
  const k = new KernelComposer(backend, 'Conv2DBackpropInput');
  const rowPhases = phasesAlong(info.inHeight, info.filterHeight, info.strideHeight, info.padInfo.top);
  const colPhases = phasesAlong(info.inWidth, info.filterWidth, info.strideWidth, info.padInfo.left);
  const outputs = rowPhases.map((rows) => colPhases.map((cols) => phaseGradient(k, dy, filter, info, rows, cols)));
  if (outputs.length === 1 && outputs[0].length === 1 && outputs[0][0] !== null) return k.finish(outputs[0][0]);
  return k.finish(k.adopt(interleavePhases(backend, outputs, attrs.inputShape)));
}

/**
 * Along one axis, the inputs h = s * i + phase (i < count) receive dy[i + offset + u] * W[first + s * (taps - 1 - u)]
 * for u < taps: a stride-1 correlation of dy with the phase's taps reversed, dy read from `offset` on.
 */
interface Phase {
  count: number;
  first: number;
  taps: number;
  offset: number;
}

function phasesAlong(size: number, kernel: number, stride: number, padBefore: number): Phase[] {
  const phases: Phase[] = [];
  for (let phase = 0; phase < stride; phase++) {
    const first = (phase + padBefore) % stride;
    const taps = first < kernel ? Math.ceil((kernel - first) / stride) : 0;
    const shift = (phase + padBefore - first) / stride;
    phases.push({ count: Math.ceil((size - phase) / stride), first, taps, offset: shift - (taps - 1) });
  }
  return phases;
}

/** dx at one phase pair as [N, rows.count, cols.count, C_in], or null where no tap reaches it (all zeros). */
function phaseGradient(k: KernelComposer, dy: tf.TensorInfo, filter: tf.TensorInfo, info: tf.backend_util.Conv2DInfo, rows: Phase, cols: Phase): tf.TensorInfo | null {
  if (rows.taps === 0 || cols.taps === 0 || rows.count === 0 || cols.count === 0) return null;
  const [, outHeight, outWidth, outChannels] = dy.shape;
  const rowSpan = spanOf(rows, outHeight);
  const colSpan = spanOf(cols, outWidth);
  if (rowSpan.keep <= 0 || colSpan.keep <= 0) return null;
  const rotated = k.adopt(rotatedTaps(k.backend, filter, { r: rows.first, c: cols.first }, { r: rows.taps, c: cols.taps }, { r: info.strideHeight, c: info.strideWidth }));
  const source = k.slice(dy, [0, rowSpan.start, colSpan.start, 0], [info.batchSize, rowSpan.keep, colSpan.keep, outChannels]);
  const pad: tf.backend_util.ExplicitPadding = [[0, 0], [rowSpan.before, rowSpan.after], [colSpan.before, colSpan.after], [0, 0]];
  return k.run('Conv2D', { x: source, filter: rotated }, { strides: [1, 1], pad, dataFormat: 'NHWC', dilations: [1, 1] });
}

/** The rows of dy a phase reads ([start, start + keep)) and the zero padding around them. */
function spanOf(phase: Phase, length: number) {
  const begin = phase.offset;
  const end = phase.offset + phase.count + phase.taps - 1;
  const start = Math.max(0, begin);
  const stop = Math.min(length, end);
  return { start, keep: stop - start, before: start - begin, after: end - Math.max(stop, start) };
}

function zeros(backend: tf.KernelBackend, shape: Shape4): tf.TensorInfo {
  const wasm = backend as unknown as BackendWasm;
  const out = wasm.makeOutput(shape, 'float32');
  (wasm.typedArrayFromHeap(out) as Float32Array).fill(0);
  return out;
}

export const conv2dBackpropInputConfig = wasmKernel('Conv2DBackpropInput', conv2dBackpropInput);
