/** Public surface of src/trainer: ARCH to tfjs model, training, evaluation, worker pool. */
export type * from './types.js';
export { buildModel, type BuildOptions } from './model/build.js';
export { saveModel, loadModel } from './model/file-io.js';
export {
  withInputNormalisation,
  hasInputNormalisation,
  saveWithInputNormalisation,
  normalisationWeights,
  NORMALISE_LAYER,
  RAW_INPUT,
} from './model/export.js';
export { trainModel, REWARD_WINDOW, type TrainingData, type TrainHooks, type TrainingRun } from './train/loop.js';
export { evaluate, metricsFromConfusion, type Subset } from './train/evaluate.js';
export { runTrainJob, type JobContext } from './train/job.js';
export { learningRateAt } from './train/schedule.js';
export { hyperParams } from './train/defaults.js';
export { DatasetCache } from './data-cache.js';
export { createTrainerPool, threadsPerWorker, type PoolOptions } from './pool/pool.js';
export { checkpointEpochs } from './train/checkpoint.js';
