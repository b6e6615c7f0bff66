/** One training step as the trainer takes it (train/loop.ts): its model, label-smoothed loss and Adam, for the step benchmarks. */
import type { Scalar, Tensor1D, Tensor2D } from '@tensorflow/tfjs';
import type { Arch, Shape3 } from '../../src/space/index.js';
import type { SelectedBackend } from '../../src/trainer/backends/index.js';
import { withoutInputGradients } from '../../src/trainer/backends/kernels/unneeded-input-gradient.js';
import { buildModel } from '../../src/trainer/index.js';
import type { BuildOptions } from '../../src/trainer/model/build.js';
import { DropoutReseeder } from '../../src/trainer/model/dropout-seeds.js';
import { inputConvKernels } from '../../src/trainer/model/input-convs.js';
import { logitsModel } from '../../src/trainer/model/logits.js';
import { crossEntropyPerExample } from '../../src/trainer/train/loss.js';
import { createOptimizer } from '../../src/trainer/train/schedule.js';

/** A function that takes one step on a fixed random batch of `batch` images (the first convolutions' input gradients not computed). */
export function trainingStep(tf: SelectedBackend['tf'], arch: Arch, input: Shape3, batch: number, build: Partial<BuildOptions> = {}): () => void {
  const model = buildModel(arch, input, 10, { seed: 1, ...build });
  const logits = logitsModel(model);
  const optimizer = createOptimizer({ learningRate: 1e-3, optimizer: 'adam' }).optimizer;
  const x = tf.randomNormal([batch, ...input], 0, 1, 'float32', 1);
  const y = tf.randomUniform([batch], 0, 10, 'int32', 2);
  const onData = inputConvKernels(model);
  const reseeder = new DropoutReseeder(model, 1);
  return () => {
    reseeder.reseed();
    const scores = () => logits.apply(x, { training: true }) as Tensor2D;
    const loss = withoutInputGradients(onData, () => optimizer.minimize(() => crossEntropyPerExample(scores(), y as Tensor1D, 0.1).mean() as Scalar, true));
    loss?.dataSync();
    loss?.dispose();
  };
}

/** The lesser of `best` and the mean of `steps` calls of `step` in ms, after one call not timed. */
export function bestStepMs(step: () => void, steps: number, best: number): number {
  step();
  const start = performance.now();
  for (let i = 0; i < steps; i++) step();
  return Math.min(best, (performance.now() - start) / steps);
}
