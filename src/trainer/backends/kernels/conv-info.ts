/** The attributes both convolution gradient kernels share, and their geometry. */
import * as tf from '@tensorflow/tfjs';

export type Shape4 = [number, number, number, number];

export interface ConvGradientAttrs {
  strides: [number, number] | number;
  pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
  dataFormat: 'NHWC' | 'NCHW';
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

/** Geometry of the forward convolution of `inputShape` by `filterShape` (NHWC only, dilation 1). */
export function convGeometry(kernelName: string, inputShape: Shape4, filterShape: Shape4, attrs: ConvGradientAttrs): tf.backend_util.Conv2DInfo {
  if (attrs.dataFormat === 'NCHW') throw new Error(`wasm ${kernelName} supports NHWC only`);
  return tf.backend_util.computeConv2DInfo(inputShape, filterShape, attrs.strides, 1, attrs.pad, attrs.dimRoundingMode, false, 'channelsLast');
}
