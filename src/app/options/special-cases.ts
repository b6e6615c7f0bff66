/**
 * The stored options that the table's loop cannot resolve alone: the dataset (required, and checks the label
 * mode), the space (read from a file, kept as read on resume) and the strategy options (two flags merged into
 * one stored object, checked by the strategy).
 */
import { checkStrategyOptions } from '../../controller/catalog.js';
import type { StrategyName } from '../../controller/types.js';
import { DATASET_NAMES, datasetInfo, isDatasetPath } from '../../data/index.js';
import type { CustomOptions, DatasetDescriptor } from '../../data/custom/types.js';
import type { DatasetName } from '../../data/types.js';
import { ConfigError } from '../../errors.js';
import { loadSpace } from '../../space/index.js';
import type { SearchConfig } from './config.js';
import { defaultSpaceOf } from './default-spaces.js';
import type { SearchOptions } from './derived.js';
import { checkOption } from './spec.js';
import { optionSpec } from './table.js';

/** Search options with, for a --dataset PATH, the descriptor that reading it gave (src/app/custom-data.ts). */
export type DescribedOptions = SearchOptions & { datasetDescriptor?: DatasetDescriptor };

type ResolvedDataset = Pick<SearchConfig, 'dataset' | 'labelMode' | 'datasetDescriptor'>;

/** The dataset (required unless resuming) and its label mode, which the dataset checks; or the user's own data. */
export function resolveDataset(options: DescribedOptions, base?: SearchConfig): ResolvedDataset {
  const name = options.dataset ?? base?.dataset;
  if (name === undefined) throw new ConfigError(`--dataset is required (one of: ${DATASET_NAMES.join(', ')}, or a path)`);
  const custom = customOptionsOf(options);
  if (options.dataset === undefined ? base?.datasetDescriptor : isDatasetPath(checkOption(optionSpec('dataset'), name))) {
    return resolveDatasetPath(options, custom, base);
  }
  const pathOption = Object.keys(custom)[0];
  if (pathOption) throw new ConfigError(`${flagOf(pathOption)} applies to a dataset given as a path (--dataset ./photos), not to ${name}`);
  const dataset = checkOption(optionSpec('dataset'), name) as DatasetName;
  const given = options.labelMode ?? base?.labelMode;
  const labelMode = given === undefined ? undefined : checkOption(optionSpec('labelMode'), given);
  datasetInfo(dataset, { labelMode });
  return labelMode === undefined ? { dataset } : { dataset, labelMode };
}

/** The options of a dataset path as given (checked): --image-size, --channels, --test-fraction. */
export function customOptionsOf(options: SearchOptions): CustomOptions {
  const custom: CustomOptions = {};
  if (options.imageSize !== undefined) custom.imageSize = checkOption(optionSpec('imageSize'), options.imageSize);
  if (options.channels !== undefined) custom.channels = checkOption(optionSpec('channels'), options.channels);
  if (options.testFraction !== undefined) custom.testFraction = checkOption(optionSpec('testFraction'), options.testFraction);
  return custom;
}

const flagOf = (key: string): string => `--${key.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`)}`;

/** The user's own data: described before the options are resolved (reading it is asynchronous), or the stored one on resume. */
function resolveDatasetPath(options: DescribedOptions, custom: CustomOptions, base?: SearchConfig): ResolvedDataset {
  if (options.labelMode !== undefined) throw new ConfigError('--label-mode applies to cifar100 and fer2013, not to a dataset given as a path');
  if (options.dataset === undefined && base?.datasetDescriptor) {
    const stored = base.datasetDescriptor.options;
    const changed = (Object.keys(custom) as (keyof CustomOptions)[]).find((key) => JSON.stringify(custom[key]) !== JSON.stringify(stored[key]));
    if (changed) throw new ConfigError(`${flagOf(changed)} cannot be changed on resume (the experiment's data was read with ${JSON.stringify(stored)})`);
    return { dataset: base.dataset, datasetDescriptor: base.datasetDescriptor };
  }
  const descriptor = options.datasetDescriptor;
  if (!descriptor) throw new Error(`--dataset ${options.dataset}: a dataset path must be read (describeGivenDataset) before the options are resolved`);
  return { dataset: descriptor.path, datasetDescriptor: descriptor };
}

/** A resumed experiment keeps the space definition it stored, even if the file changed or moved since. */
export function resolveSpace(options: SearchOptions, dataset: string, base?: SearchConfig): Pick<SearchConfig, 'space' | 'spaceDefinition'> {
  if (options.space === undefined && base) return { space: base.space, spaceDefinition: base.spaceDefinition };
  const space = options.space === undefined ? defaultSpaceOf(dataset) : checkOption(optionSpec('space'), options.space);
  const spaceDefinition = loadSpace(space);
  if (spaceDefinition.kind !== 'layers') {
    throw new ConfigError(`space '${space}' is a ${spaceDefinition.kind} cell space; nas search trains CNNs from layer spaces only`);
  }
  return { space, spaceDefinition };
}

/** --controller-options JSON and --controller-batch (which wins for batchSize); on resume, the stored ones. */
export function resolveStrategyOptions(strategy: StrategyName, options: SearchOptions, base?: SearchConfig): SearchConfig['strategyOptions'] {
  const { controllerBatch, controllerOptions } = options;
  if (controllerBatch === undefined && controllerOptions === undefined) return { ...(base?.strategyOptions ?? {}) };
  const parsed = controllerOptions === undefined ? {} : checkOption(optionSpec('controllerOptions'), controllerOptions);
  const result = { ...(parsed as SearchConfig['strategyOptions']) };
  if (controllerBatch !== undefined) result.batchSize = checkOption(optionSpec('controllerBatch'), controllerBatch);
  checkStrategyOptions(strategy, result);
  return result;
}
