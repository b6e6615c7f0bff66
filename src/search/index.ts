/** The public surface of src/search: configuration, the orchestrator, and `nas search` end to end. */
export type * from './types.js';
export {
  SEARCH_DEFAULTS,
  DEFAULT_SPACES,
  BACKENDS,
  OBJECTIVES,
  PRUNE_MODES,
  OPTIMIZERS,
  resolveSearchConfig,
  configDifferences,
  oneOf,
  positiveInteger,
  nonNegativeInteger,
  positiveNumber,
  type SearchOptions,
} from './config.js';
export { runSearch, hyperParamsFor, type SearchDeps, type StrategySource } from './orchestrator.js';
export { startSearch, defaultExperimentName, resumeCommand, type SearchRequest } from './session.js';
export { rewardOf } from './reward.js';
export { medianVerdict, median } from './pruner.js';
export { createFakeEvaluator, fakeAccuracy, FAKE_EVALUATOR_ENV } from './fake-evaluator.js';
export { KILL_ENV, killHookFromEnv, type KillPoint, type KillHook } from './kill-points.js';
export {
  trainFully,
  replayRequestOf,
  trainModelName,
  withRecipe,
  DEFAULT_REPLAY_EPOCHS,
  REPLAY_RECIPE,
  type FullTraining,
  type FullTrainingOutcome,
  type TrainingRecipe,
} from './replay.js';
