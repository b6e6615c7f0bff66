import type { StrategyName } from '../../controller/types.js';
import type { SearchConfig } from './config.js';
import { resolveDataset, resolveSpace, resolveStrategyOptions, type DescribedOptions } from './special-cases.js';
import { absentValue, checkOption, defaultValue, isStored, type OptionSpec } from './spec.js';
import { SEARCH_OPTIONS } from './table.js';
import { checkValidationSplit } from './validation-split.js';

/**
 * Checks every stored option and fills in defaults (or, when resuming, the stored experiment's values): a bad
 * value is a ConfigError (or SpaceError / DataError) naming the option; so is, for a new experiment, a
 * validation split too small to rank architectures. Reads the space file; touches nothing else. `table` is
 * the option table (a test may extend it).
 */
export function resolveSearchConfig(options: DescribedOptions, base?: SearchConfig, table: readonly OptionSpec[] = SEARCH_OPTIONS): SearchConfig {
  const { dataset, labelMode, datasetDescriptor } = resolveDataset(options, base);
  const resolved: Record<string, unknown> = { dataset, ...resolveSpace(options, dataset, base) };
  if (labelMode !== undefined) resolved.labelMode = labelMode;
  if (datasetDescriptor !== undefined) resolved.datasetDescriptor = datasetDescriptor;
  const given = options as Readonly<Record<string, unknown>>;
  for (const spec of table.filter((row) => isStored(row) && !row.special)) {
    const value = given[spec.key] ?? (base ? storedValue(spec, base) : defaultValue(spec, resolved));
    if (value !== undefined) resolved[spec.key] = checkOption(spec, value);
  }
  resolved.strategyOptions = resolveStrategyOptions(resolved.strategy as StrategyName, options, base);
  const config = resolved as unknown as SearchConfig;
  // A resumed experiment keeps the split it was started with, whatever the rule was then.
  if (!base) checkValidationSplit(config);
  return config;
}

/** On resume: the stored value; one stored before its option existed is what its absence means (its default, mostly). */
function storedValue(spec: OptionSpec, base: SearchConfig): unknown {
  return (base as unknown as Record<string, unknown>)[spec.key] ?? absentValue(spec);
}
