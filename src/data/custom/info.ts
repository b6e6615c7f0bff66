/** What the rest of nas asks of a dataset, whether it is a shipped name or the user's own data with its descriptor. */
import { datasetInfo, trainingSetSize } from '../registry.js';
import type { DatasetInfo, DatasetName } from '../types.js';
import { describedInfo } from './load.js';
import type { DatasetDescriptor } from './types.js';

/** A dataset as configs and requests carry it: a name (and label mode), or a path with its descriptor. */
export interface DatasetRef {
  dataset: string;
  labelMode?: string;
  datasetDescriptor?: DatasetDescriptor;
}

export function infoOf(ref: DatasetRef): DatasetInfo {
  if (ref.datasetDescriptor) return describedInfo(ref.datasetDescriptor);
  return datasetInfo(ref.dataset as DatasetName, { labelMode: ref.labelMode });
}

/** The training examples before any split: counted when the data was described, the published size for a name. */
export function trainingCount(ref: DatasetRef): number {
  return ref.datasetDescriptor?.counts.train ?? trainingSetSize(ref.dataset as DatasetName);
}
