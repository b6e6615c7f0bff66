/**
 * The composition layer: which evaluator serves which space and flags, the search session behind `nas search`,
 * full training behind `nas replay` and `nas train`, and the option table.
 */
export { startSearch, type SearchRequest } from './search-session.js';
export { defaultExperimentName, resumeCommand } from './experiment.js';
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
} from './full-training.js';
export { exportTrial, storedExport, type TrialExport } from './export-trial.js';
export {
  exportTrainedModel,
  describePreprocessing,
  writeExport,
  EXPORT_FILES,
  LABELS_FILE,
  PREPROCESSING_FILE,
  type Preprocessing,
  type StatisticsSource,
  type StoredExport,
} from './model-export.js';
