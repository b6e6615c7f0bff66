/** Public surface of the trainer's backends: pick one, get its tfjs namespace and what happened. */
export { selectBackend, usesGpu } from './select.js';
export type { ModuleLoader, ResolvedBackendName, SelectedBackend, SelectOptions, Tf } from './select.js';
export { timeComposedKernels } from './kernels/compose.js';
export { seededDropout } from './kernels/dropout.js';
