/** One Adam step (the trainer's own optimizer) of softmax cross-entropy on a fixed random batch: what the benchmark times. */
import type * as tfjs from '@tensorflow/tfjs';
import type { Tf } from '../../src/trainer/backends/index.js';
import type { NetSpec } from './nets.js';
import { createOptimizer } from '../../src/trainer/train/schedule.js';

export interface Trainer {
  /** Runs one step and returns the loss (read back, so the step has finished). */
  step(): number;
  /** The model's current weights, read back. */
  weights(): Float32Array[];
  dispose(): void;
}

export interface TrainerOptions {
  /** Seed of the random batch. */
  seed?: number;
  /** Start from these weights (in model.getWeights() order) instead of the initializers' draw. */
  initialWeights?: Float32Array[];
}

export function makeTrainer(tf: Tf, net: NetSpec, batch: number, { seed = 1, initialWeights }: TrainerOptions = {}): Trainer {
  const model = net.build(tf);
  if (initialWeights !== undefined) {
    const current = model.getWeights();
    model.setWeights(current.map((w, i) => tf.tensor(initialWeights[i], w.shape)));
  }
  const optimizer = createOptimizer({ learningRate: 1e-3, optimizer: 'adam' }).optimizer;
  const x = tf.randomNormal([batch, ...net.inputShape], 0, 1, 'float32', seed);
  const labels = tf.oneHot(tf.randomUniform([batch], 0, net.classes, 'int32', seed + 1), net.classes);
  const loss = () => tf.losses.softmaxCrossEntropy(labels, model.apply(x, { training: true }) as tfjs.Tensor) as tfjs.Scalar;
  return {
    step() {
      const value = optimizer.minimize(loss, true) as tfjs.Scalar;
      const result = value.dataSync()[0];
      value.dispose();
      return result;
    },
    weights() {
      return model.getWeights().map((w) => w.dataSync() as Float32Array);
    },
    dispose() {
      model.dispose();
      optimizer.dispose();
      tf.dispose([x, labels]);
    },
  };
}
