/**
 * Mean for wasm over the leading axes (batch-norm moments: all axes but the channels). The package reduces
 * only innermost axes and transposes the whole input first otherwise; here it is XNNPACK's average pooling of
 * [1, M, 1, C] over an M x 1 window, as in the Sum override.
 */
import * as tf from '@tensorflow/tfjs';
import { KernelComposer, wasmOverride } from './compose.js';

interface Attrs {
  axis: number | number[];
  keepDims: boolean;
}

function mean(inputs: Record<'x', tf.TensorInfo>, backend: tf.KernelBackend, attrs: Attrs, original: tf.KernelConfig): tf.TensorInfo {
  const { x } = inputs;
  const k = new KernelComposer(backend, 'Mean');
  if (!reducesLeadingAxes(x, attrs.axis)) return k.finish(k.runConfig(original, { x }, { ...attrs })[0]);
  return k.finish(k.reshape(averageOverLeadingAxes(k, x).average, reducedShape(x, attrs.keepDims)));
}

/** The per-channel average over every axis but the last, as [1, 1, 1, C], and how many values each averages. */
export function averageOverLeadingAxes(k: KernelComposer, x: tf.TensorInfo): { average: tf.TensorInfo; rows: number } {
  const channels = x.shape[x.shape.length - 1];
  const rows = tf.util.sizeFromShape(x.shape) / channels;
  const average = k.run('AvgPool', { x: k.reshape(x, [1, rows, 1, channels]) }, { filterSize: [rows, 1], strides: [1, 1], pad: 'valid' });
  return { average, rows };
}

/** The output shape of a reduction over the leading axes: [C], or [1, ..., 1, C] with keepDims. */
export function reducedShape(x: tf.TensorInfo, keepDims: boolean): number[] {
  const channels = x.shape[x.shape.length - 1];
  return keepDims ? [...x.shape.slice(0, -1).map(() => 1), channels] : [channels];
}

/** True for a float32 reduction over every axis but the last (of a rank >= 2 tensor). */
export function reducesLeadingAxes(x: tf.TensorInfo, axis: number | number[]): boolean {
  const rank = x.shape.length;
  const axes = tf.util.parseAxisParam(axis, x.shape).sort((p, q) => p - q);
  return rank >= 2 && x.dtype === 'float32' && tf.util.sizeFromShape(x.shape) > 0 && axes.length === rank - 1 && axes.every((a, i) => a === i);
}

export const meanOverride = (original: tf.KernelConfig) => wasmOverride(original, mean);
