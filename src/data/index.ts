/** Public surface of src/data: datasets as uint8 HWC images, splits, normalisation and float32 batches. No tfjs. */
export type * from './types.js';
export { DATASET_NAMES, datasetInfo, trainingSetSize } from './registry.js';
export { loadDataset, fetchDataset, datasetStatus, type DatasetStatus } from './load.js';
export { makeSplit, validationSize, minValidationSize } from './split.js';
export { computeNormalisation } from './normalisation.js';
export { batches } from './batches.js';
export { isDatasetPath, DATA_FILE_KINDS, IMAGE_EXTENSIONS } from './custom/path.js';
export { loadCustomDataset, describeCustomDataset, describedInfo, type CustomLoad, type CustomContext } from './custom/load.js';
export { checkDescribed, dataChange, summaryLine } from './custom/describe.js';
export { imageSize, channelCount, testFraction, DEFAULT_MAX_SIDE, DEFAULT_TEST_FRACTION, MAX_IMAGE_PIXELS } from './custom/options.js';
export type { ArrayDataset, CustomKind, CustomOptions, CustomLoadStats, DatasetDescriptor } from './custom/types.js';
export { infoOf, trainingCount, type DatasetRef } from './custom/info.js';
export { datasetNameOrPath } from './custom/options.js';
