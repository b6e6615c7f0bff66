import * as tf from '@tensorflow/tfjs';

const EPSILON = 1e-7;

/** Per-example categorical cross-entropy of softmax outputs, with optional label smoothing. */
export function crossEntropyPerExample(probs: tf.Tensor2D, labels: tf.Tensor1D, labelSmoothing = 0): tf.Tensor1D {
  return tf.tidy(() => {
    const classes = probs.shape[1];
    let targets = tf.oneHot(labels, classes).toFloat();
    if (labelSmoothing > 0) targets = targets.mul(1 - labelSmoothing).add(labelSmoothing / classes);
    return targets.mul(probs.clipByValue(EPSILON, 1 - EPSILON).log()).sum(1).neg() as tf.Tensor1D;
  });
}

/** How many rows of `probs` put their maximum on the label. */
export function countCorrect(probs: tf.Tensor2D, labels: tf.Tensor1D): tf.Scalar {
  return tf.tidy(() => probs.argMax(1).equal(labels).sum());
}
