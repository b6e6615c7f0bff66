import * as tf from '@tensorflow/tfjs';
import type { HyperParams } from '../types.js';
import { FusedAdamOptimizer } from './fused-adam.js';

/** The learning rate at a step (0-based) of a run of `totalSteps` steps. */
export function learningRateAt(hyper: Pick<HyperParams, 'learningRate' | 'schedule'>, step: number, totalSteps: number): number {
  if (hyper.schedule === 'constant' || totalSteps <= 1) return hyper.learningRate;
  return hyper.learningRate * 0.5 * (1 + Math.cos((Math.PI * step) / totalSteps));
}

/** An optimizer whose learning rate can change each step, and that frees every tensor it made. */
export interface SteppedOptimizer {
  readonly optimizer: tf.Optimizer;
  setLearningRate(rate: number): void;
  dispose(): void;
}

export function createOptimizer(hyper: Pick<HyperParams, 'learningRate' | 'optimizer'>): SteppedOptimizer {
  return hyper.optimizer === 'adam' ? adam(hyper.learningRate) : nesterov(hyper.learningRate);
}

function adam(rate: number): SteppedOptimizer {
  const optimizer = new FusedAdamOptimizer(rate);
  return {
    optimizer,
    // AdamOptimizer reads its learningRate field at every update.
    setLearningRate: (next) => { (optimizer as unknown as { learningRate: number }).learningRate = next; },
    dispose: () => optimizer.dispose(),
  };
}

function nesterov(rate: number): SteppedOptimizer {
  const optimizer = tf.train.momentum(rate, 0.9, true);
  let current = rate;
  return {
    optimizer,
    setLearningRate: (next) => {
      if (next !== current) optimizer.setLearningRate(next);
      current = next;
    },
    dispose: () => {
      optimizer.dispose();
      // MomentumOptimizer.dispose() forgets the learning-rate scalar that SGDOptimizer keeps.
      (optimizer as unknown as { c?: tf.Tensor }).c?.dispose();
    },
  };
}
