import type { HyperParams } from '../types.js';

const DEFAULTS: HyperParams = {
  epochs: 10,
  batchSize: 64,
  learningRate: 0.001,
  optimizer: 'adam',
  schedule: 'constant',
  labelSmoothing: 0,
  weightDecay: 0,
  earlyStoppingPatience: 0,
  augment: false,
  seed: 1,
};

/** Hyperparameters with the trainer's defaults (Adam 0.001, batch 64, 10 epochs, no smoothing or decay) for what is not given. */
export function hyperParams(overrides: Partial<HyperParams> = {}): HyperParams {
  return { ...DEFAULTS, ...overrides };
}
