/**
 * The user's own data (--dataset PATH) in the commands: read and described before a search's options are resolved
 * (reading is asynchronous, resolving is not), and checked before a replay trains, where it was or where the user
 * says it moved.
 */
import { checkDescribed, describeCustomDataset, isDatasetPath, summaryLine, type CustomOptions } from '../data/index.js';
import { ConfigError } from '../errors.js';
import type { FullTraining } from './full-training.js';
import { checkOption, customOptionsOf, optionSpec, type DescribedOptions, type SearchOptions } from './options/index.js';

export interface DescribedData {
  options: DescribedOptions;
  /** The summary line of the data read (absent for a shipped dataset). */
  summary?: string;
}

/** The search options with the descriptor of --dataset PATH (decoded into the dataset cache when it is not there). */
export async function describeGivenDataset(options: SearchOptions): Promise<DescribedData> {
  if (options.dataset === undefined) return { options };
  const dataset = checkOption(optionSpec('dataset'), options.dataset);
  if (!isDatasetPath(dataset)) return { options };
  if (options.labelMode !== undefined) throw new ConfigError('--label-mode applies to cifar100 and fer2013, not to a dataset given as a path');
  const dataDir = options.dataDir === undefined ? undefined : checkOption(optionSpec('dataDir'), options.dataDir);
  const found = await describeCustomDataset(dataset, customOptionsOf(options), { dataDir });
  return { options: { ...options, datasetDescriptor: found.descriptor }, summary: summaryLine(found.descriptor, found.stats, found.cacheError) };
}

/** `nas train --dataset PATH`: the request's dataset and descriptor, and the summary line. */
export async function describeTrainingData(dataset: string, custom: CustomOptions, dataDir?: string): Promise<{ dataset: string; datasetDescriptor: FullTraining['datasetDescriptor']; summary: string }> {
  const found = await describeCustomDataset(dataset, custom, { dataDir });
  return { dataset: found.descriptor.path, datasetDescriptor: found.descriptor, summary: summaryLine(found.descriptor, found.stats, found.cacheError) };
}

/**
 * A replay's data: the experiment's own data must hold what it held when it was searched, where it was or at
 * `movedTo` (--dataset NEWPATH); a DataError says what changed. Shipped datasets pass unchanged.
 */
export async function checkReplayData(request: FullTraining, experiment: string, movedTo?: string): Promise<{ request: FullTraining; summary?: string }> {
  const descriptor = request.datasetDescriptor;
  if (!descriptor) {
    if (movedTo !== undefined) throw new ConfigError(`--dataset: experiment '${experiment}' was searched on ${request.dataset}, not on a dataset path`);
    return { request };
  }
  const found = await checkDescribed(descriptor, { dataDir: request.dataDir, what: `experiment '${experiment}'`, at: movedTo });
  const at = found.descriptor.path;
  return {
    request: { ...request, dataset: at, datasetDescriptor: { ...descriptor, path: at } },
    summary: summaryLine(found.descriptor, found.stats, found.cacheError),
  };
}
