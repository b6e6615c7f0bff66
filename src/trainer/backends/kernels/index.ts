/** Training kernels for the wasm backend: missing gradients, and faster or corrected versions of slow ones. */
import * as tf from '@tensorflow/tfjs';
import { conv2dBackpropFilterConfig } from './conv2d-backprop-filter.js';
import { conv2dBackpropInputConfig } from './conv2d-backprop-input.js';
import { maxPoolGradConfig } from './max-pool-grad.js';

const TRAINING_KERNELS: tf.KernelConfig[] = [conv2dBackpropFilterConfig, conv2dBackpropInputConfig, maxPoolGradConfig];

/** Registers (or re-registers over the package's own) the training kernels for backend 'wasm'. Idempotent. */
export function registerWasmTrainingKernels(): string[] {
  for (const config of TRAINING_KERNELS) {
    if (tf.getKernel(config.kernelName, 'wasm') !== undefined) tf.unregisterKernel(config.kernelName, 'wasm');
    tf.registerKernel(config);
  }
  return TRAINING_KERNELS.map((c) => c.kernelName);
}
