/** The public surface of src/evaluation: the request/outcome contract and the evaluators behind it. */
export type * from './types.js';
export { createTrainingEvaluator, searchHyperParams, trialSeed, type TrainingSettings } from './training.js';
export { createTableEvaluator } from './table.js';
