import type * as tf from '@tensorflow/tfjs';

/**
 * The kernels of the Conv2D layers that read the model's input itself: the data, whose gradient no training
 * step reads (see backends/kernels/unneeded-input-gradient.ts).
 */
export function inputConvKernels(model: tf.LayersModel): tf.Tensor[] {
  const inputs = new Set<unknown>(model.inputs);
  return model.layers
    .filter((layer) => layer.getClassName() === 'Conv2D' && layer.inboundNodes.every((node) => node.inputTensors.every((t) => inputs.has(t))))
    .flatMap((layer) => layer.trainableWeights.filter((w) => /kernel$/.test(w.name)).map((w) => w.read()));
}
