import type { LoadedDataset } from '../data/types.js';
import { loadDataset } from '../data/index.js';
import type { DataRequest } from './types.js';

/** Datasets loaded once per process, keyed by what identifies their contents. */
export class DatasetCache {
  private readonly loaded = new Map<string, Promise<LoadedDataset>>();

  get(request: DataRequest): Promise<LoadedDataset> {
    const descriptor = request.datasetDescriptor;
    const key = JSON.stringify([request.dataset, request.dataDir ?? null, request.labelMode ?? null, descriptor?.fingerprint ?? null, descriptor?.options ?? null]);
    let dataset = this.loaded.get(key);
    if (dataset === undefined) {
      dataset = loadDataset(request.dataset, { dataDir: request.dataDir, labelMode: request.labelMode, ...(descriptor ? { descriptor } : {}) });
      dataset.catch(() => this.loaded.delete(key));
      this.loaded.set(key, dataset);
    }
    return dataset;
  }
}
