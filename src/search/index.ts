/** The public surface of src/search: the batch loop and the policies around it. It never loads the trainer. */
export type * from './types.js';
export { runSearch } from './loop.js';
export { summarise } from './summary.js';
export { medianPruner, median, successiveHalvingPruner, isRung, type HalvingOptions, NO_PRUNER, type Pruner, type PrunedTrial, type PruningHistory } from './pruners/index.js';
export { trialCount, distinctBudget, type TrialTarget, type CountedTrial } from './policies/target.js';
export { consecutiveFailures, type FailurePolicy } from './policies/failures.js';
export { rewardOf, objectiveReward, type Objective, type ObjectiveSettings } from './reward.js';
export type { RewardFunction } from './outcome.js';
