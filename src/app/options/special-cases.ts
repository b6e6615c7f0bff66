/**
 * The stored options that the table's loop cannot resolve alone: the dataset (required, and checks the label
 * mode), the space (read from a file, kept as read on resume) and the strategy options (two flags merged into
 * one stored object, checked by the strategy).
 */
import { checkStrategyOptions } from '../../controller/catalog.js';
import type { StrategyName } from '../../controller/types.js';
import { DATASET_NAMES, datasetInfo } from '../../data/index.js';
import type { DatasetName } from '../../data/types.js';
import { ConfigError } from '../../errors.js';
import { loadSpace } from '../../space/index.js';
import type { SearchConfig } from './config.js';
import { DEFAULT_SPACES } from './default-spaces.js';
import type { SearchOptions } from './derived.js';
import { checkOption } from './spec.js';
import { optionSpec } from './table.js';

/** The dataset (required unless resuming) and its label mode, which the dataset checks. */
export function resolveDataset(options: SearchOptions, base?: SearchConfig): Pick<SearchConfig, 'dataset' | 'labelMode'> {
  const name = options.dataset ?? base?.dataset;
  if (name === undefined) throw new ConfigError(`--dataset is required (one of: ${DATASET_NAMES.join(', ')})`);
  const dataset = checkOption(optionSpec('dataset'), name) as DatasetName;
  const given = options.labelMode ?? base?.labelMode;
  const labelMode = given === undefined ? undefined : checkOption(optionSpec('labelMode'), given);
  datasetInfo(dataset, { labelMode });
  return labelMode === undefined ? { dataset } : { dataset, labelMode };
}

/** A resumed experiment keeps the space definition it stored, even if the file changed or moved since. */
export function resolveSpace(options: SearchOptions, dataset: DatasetName, base?: SearchConfig): Pick<SearchConfig, 'space' | 'spaceDefinition'> {
  if (options.space === undefined && base) return { space: base.space, spaceDefinition: base.spaceDefinition };
  const space = options.space === undefined ? DEFAULT_SPACES[dataset] : checkOption(optionSpec('space'), options.space);
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
