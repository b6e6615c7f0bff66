/**
 * tfjs's fused conv2d (what tfjs-layers' Conv2D runs whenever its activation is linear, as before batch norm)
 * computes its gradients in a custom gradient function that always takes the input gradient too, even where
 * nothing reads it: for a network's first layer, whose input is the data. There it is a convolution with
 * C_in (1 or 3) output channels, which XNNPACK runs slowly. A caller that knows which filters' input
 * gradients nobody reads names them here for the length of a computation, and Conv2DBackpropInput gives
 * zeros for them.
 */
import type * as tf from '@tensorflow/tfjs';

let unneeded: readonly tf.Tensor[] = [];

/**
 * Runs `run` with the input gradients of convolutions by `filters` left uncomputed (zeros). Filters are
 * matched by their data at call time, so variables stay matched after optimizer updates.
 */
export function withoutInputGradients<T>(filters: readonly tf.Tensor[], run: () => T): T {
  const outer = unneeded;
  unneeded = [...outer, ...filters];
  try {
    return run();
  } finally {
    unneeded = outer;
  }
}

/** True while a convolution by `filter` needs no input gradient (see withoutInputGradients). */
export function inputGradientUnneeded(filter: tf.TensorInfo): boolean {
  return unneeded.some((f) => !f.isDisposed && f.dataId === filter.dataId);
}
