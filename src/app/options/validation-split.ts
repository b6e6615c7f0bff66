/** The validation split of a new search, checked before anything runs: large enough to rank architectures. */
import { infoOf, minValidationSize, trainingCount, validationSize } from '../../data/index.js';
import { ConfigError } from '../../errors.js';
import type { SearchConfig } from './config.js';

type SplitConfig = Pick<SearchConfig, 'dataset' | 'labelMode' | 'datasetDescriptor' | 'valFraction' | 'trainLimit' | 'valLimit'>;

/**
 * Refuses a split whose validation set is under minValidationSize (5 per class, 20 in all), saying which
 * option made it so small and what to give instead. Counted on the dataset's published training set.
 */
export function checkValidationSplit(config: SplitConfig): void {
  const needed = minValidationSize(infoOf(config).numClasses);
  const total = trainingCount(config);
  const size = validationSize(total, config);
  if (size >= needed) return;
  const rule = `ranking architectures on ${config.dataset} needs at least ${needed} (5 per class, and 20 at least)`;
  throw new ConfigError(`${cause(config, size, total)}; ${rule}: ${remedy(config, needed, total)}`);
}

function cause(config: SplitConfig, size: number, total: number): string {
  const examples = `${size} validation example${size === 1 ? '' : 's'}`;
  if (config.valLimit === size) return `--val-limit ${config.valLimit} gives ${examples}`;
  if (config.valLimit === undefined && size < Math.round(total * config.valFraction)) return `--train-limit ${config.trainLimit} leaves ${examples} (the validation set shrinks with it)`;
  return `--val-fraction ${config.valFraction} of ${config.dataset}'s ${total} training examples leaves ${examples}`;
}

function remedy(config: SplitConfig, needed: number, total: number): string {
  const fraction = Math.ceil((needed / total) * 100) / 100;
  const raiseFraction = fraction < 1 ? `raise --val-fraction to ${fraction} or more` : `${config.dataset} is too small for a search`;
  if (Math.round(total * config.valFraction) < needed) return raiseFraction;
  if (config.valLimit !== undefined) return `give --val-limit ${needed} or more`;
  const trainLimit = Math.ceil((needed * (1 - config.valFraction)) / config.valFraction);
  return `raise --train-limit to ${trainLimit} or more, or give --val-limit ${needed}`;
}
