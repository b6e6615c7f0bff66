/** Public surface of src/data: datasets as uint8 HWC images, splits, normalisation and float32 batches. No tfjs. */
export type * from './types.js';
export { DATASET_NAMES, datasetInfo, trainingSetSize } from './registry.js';
export { loadDataset, fetchDataset, datasetStatus, type DatasetStatus } from './load.js';
export { makeSplit, validationSize, minValidationSize } from './split.js';
export { computeNormalisation } from './normalisation.js';
export { batches } from './batches.js';
