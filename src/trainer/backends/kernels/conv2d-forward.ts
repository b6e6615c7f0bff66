/**
 * Conv2D and FusedConv2D for wasm: convolutions of inputs with few channels by narrow-conv.ts (with the bias
 * and a ReLU where the fused kernel asks for them), the rest by the package's XNNPACK kernels.
 */
import * as tf from '@tensorflow/tfjs';
import { KernelComposer, wasmOverride } from './compose.js';
import { isNarrowConv, narrowConvOnHeap } from './narrow-conv.js';

interface Attrs {
  strides: [number, number] | number;
  pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
  dataFormat: 'NHWC' | 'NCHW';
  dilations: [number, number] | number;
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
  activation?: string;
}

type Inputs = Record<'x' | 'filter', tf.TensorInfo> & { bias?: tf.TensorInfo; preluActivationWeights?: tf.TensorInfo };

/** The activations the fused kernel may ask for that are done here, and their kernels. */
const ACTIVATION_KERNELS: Record<string, string | null> = { linear: null, relu: 'Relu' };

function narrowGeometry(inputs: Inputs, attrs: Attrs): tf.backend_util.Conv2DInfo | null {
  const { x, filter } = inputs;
  if (attrs.dataFormat === 'NCHW' || x.shape.length !== 4 || inputs.preluActivationWeights != null) return null;
  if (!((attrs.activation ?? 'linear') in ACTIVATION_KERNELS)) return null;
  if (inputs.bias != null && inputs.bias.shape.length !== 1) return null;
  const info = tf.backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number], filter.shape as [number, number, number, number], attrs.strides, attrs.dilations, attrs.pad, attrs.dimRoundingMode,
  );
  return isNarrowConv(info) ? info : null;
}

function conv2d(inputs: Inputs, backend: tf.KernelBackend, attrs: Attrs, original: tf.KernelConfig): tf.TensorInfo {
  const info = narrowGeometry(inputs, attrs);
  const out = info === null ? null : narrowConvOnHeap(backend, inputs.x, inputs.filter, inputs.bias ?? null, info);
  if (out === null) return original.kernelFunc({ inputs: inputs as unknown as tf.NamedTensorInfoMap, backend, attrs: attrs as unknown as tf.NamedAttrMap }) as tf.TensorInfo;
  const activation = ACTIVATION_KERNELS[attrs.activation ?? 'linear'];
  if (activation === null) return out;
  const k = new KernelComposer(backend, 'FusedConv2D');
  k.adopt(out);
  return k.finish(k.run(activation, { x: out }));
}

export const conv2dOverride = (original: tf.KernelConfig) => wasmOverride(original, conv2d);
