/** Pruners: each judges a running trial from what is stored. */
export type { Pruner, PrunedTrial, PruningHistory } from './types.js';
export { medianPruner, median } from './median.js';
export { successiveHalvingPruner, isRung, type HalvingOptions } from './halving.js';
import type { Pruner } from './types.js';

/** Never prunes. */
export const NO_PRUNER: Pruner = { name: 'none', shouldPrune: () => false };
