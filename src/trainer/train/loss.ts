import * as tf from '@tensorflow/tfjs';
import { fusedCrossEntropy } from '../backends/kernels/softmax-cross-entropy.js';

/** Per-example categorical cross-entropy of logits (softmax applied here), with optional label smoothing. */
export function crossEntropyPerExample(logits: tf.Tensor2D, labels: tf.Tensor1D, labelSmoothing = 0): tf.Tensor1D {
  const fused = fusedCrossEntropy(logits, labels, labelSmoothing);
  if (fused !== null) return fused;
  return tf.tidy(() => {
    const classes = logits.shape[1];
    let targets = tf.oneHot(labels, classes).toFloat();
    if (labelSmoothing > 0) targets = targets.mul(1 - labelSmoothing).add(labelSmoothing / classes);
    return targets.mul(tf.logSoftmax(logits)).sum(1).neg() as tf.Tensor1D;
  });
}

/** How many rows of `scores` (logits or probabilities) put their maximum on the label. */
export function countCorrect(scores: tf.Tensor2D, labels: tf.Tensor1D): tf.Scalar {
  return tf.tidy(() => scores.argMax(1).equal(labels).sum());
}
