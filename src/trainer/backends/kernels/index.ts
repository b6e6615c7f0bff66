/** Training kernels for the wasm backend: missing gradients, and faster or corrected versions of slow ones. */
import * as tf from '@tensorflow/tfjs';
import { eluGradOverride, reluGradientConfig, reluGradKernelConfig, reluOverride } from './activations.js';
import { adamUpdateConfig } from './adam-update.js';
import { avgPoolGradOverride, avgPoolOverride } from './avg-pool.js';
import { batchMatMulOverride } from './batch-mat-mul.js';
import { batchNormGradientConfig, batchNormKernelConfigs } from './batch-norm.js';
import { batchNormMaxPoolGradientConfig, batchNormMaxPoolKernelConfigs } from './batch-norm-max-pool.js';
import { conv2dBackpropFilterConfig } from './conv2d-backprop-filter.js';
import { conv2dBackpropInputConfig } from './conv2d-backprop-input.js';
import { conv2dOverride } from './conv2d-forward.js';
// Importing it registers dropout's kernel on wasm and cpu (both backends draw the same masks) and its gradient.
import { DROPOUT_KERNEL } from './dropout.js';
import { fusedMatMulOverride } from './fused-mat-mul.js';
import { castOverride, identityOverride } from './identity.js';
import { maxPoolOverride } from './max-pool.js';
import { maxPoolGradConfig } from './max-pool-grad.js';
import { meanOverride } from './mean.js';
import { sumOverride } from './sum.js';
import { tileOverride } from './tile.js';

/** Kernels written here from scratch (replacing the package's version where it has one). */
const NEW_KERNELS: tf.KernelConfig[] = [
  conv2dBackpropFilterConfig, conv2dBackpropInputConfig, maxPoolGradConfig, adamUpdateConfig, ...batchNormKernelConfigs, reluGradKernelConfig,
  ...batchNormMaxPoolKernelConfigs,
];

/** Kernels that take over some cases from the package's own version and hand it the rest. */
const OVERRIDES: Record<string, (original: tf.KernelConfig) => tf.KernelConfig> = {
  BatchMatMul: batchMatMulOverride,
  Conv2D: conv2dOverride,
  FusedConv2D: conv2dOverride,
  _FusedMatMul: fusedMatMulOverride,
  Identity: identityOverride,
  Cast: castOverride,
  Sum: sumOverride,
  Mean: meanOverride,
  Tile: tileOverride,
  Relu: reluOverride,
  EluGrad: eluGradOverride,
  MaxPool: maxPoolOverride,
  AvgPool: avgPoolOverride,
  AvgPoolGrad: avgPoolGradOverride,
};

const originals = new Map<string, tf.KernelConfig>();

/**
 * Registers the training kernels for backend 'wasm' (over the package's own where it has one). Idempotent;
 * call it before the wasm backend starts, so that the kept originals' setup runs then.
 */
export function registerWasmTrainingKernels(): string[] {
  for (const config of NEW_KERNELS) replaceKernel(config);
  // Gradients are looked up by kernel name on every backend; this kernel exists on wasm only.
  tf.registerGradient(batchNormGradientConfig);
  tf.registerGradient(batchNormMaxPoolGradientConfig);
  // ReLU's gradient runs one kernel on wasm; on other backends it is tfjs's own.
  tf.registerGradient(reluGradientConfig);
  for (const [name, override] of Object.entries(OVERRIDES)) {
    const original = originals.get(name) ?? tf.getKernel(name, 'wasm');
    if (original === undefined) throw new Error(`tfjs-backend-wasm has no ${name} kernel to extend`);
    originals.set(name, original);
    replaceKernel(override(original));
  }
  return [...NEW_KERNELS.map((c) => c.kernelName), DROPOUT_KERNEL, ...Object.keys(OVERRIDES)];
}

/** Puts the package's own kernels back in place of the overrides named (benchmarks that time XNNPACK itself); registerWasmTrainingKernels() undoes it. */
export function restorePackageKernels(names: string[]): void {
  for (const name of names) {
    const original = originals.get(name);
    if (original === undefined) throw new Error(`${name} is not a kernel overridden here`);
    replaceKernel(original);
  }
}

function replaceKernel(config: tf.KernelConfig): void {
  if (tf.getKernel(config.kernelName, 'wasm') !== undefined) tf.unregisterKernel(config.kernelName, 'wasm');
  tf.registerKernel(config);
}
