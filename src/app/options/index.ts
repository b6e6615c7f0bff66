/**
 * The options of `nas search`: one table from which the command line, the checks, the defaults, the stored
 * experiment config and what a resume may change are all made. Nothing here imports src/trainer; checks.ts
 * imports nothing heavy (readers such as `nas best` import it alone).
 */
export {
  positiveInteger,
  positiveIntegerUpTo,
  nonNegativeInteger,
  nonNegativeIntegerUpTo,
  positiveNumber,
  nonNegativeNumber,
  finiteNumber,
  inOpenUnit,
  inHalfOpenUnit,
  oneOf,
  choiceOf,
  text,
  printableName,
  MAX_NAME_LENGTH,
  trueOrFalse,
  jsonObject,
  deviceNumbers,
  splitList,
  type Check,
} from '../../checks.js';
export {
  CONFIG_VERSION,
  configVersionOf,
  BACKENDS,
  OBJECTIVES,
  PRUNE_MODES,
  OPTIMIZERS,
  type SearchConfig,
  type BackendName,
  type Objective,
  type PruneMode,
  type OptimizerName,
} from './config.js';
export { DEFAULT_SPACES, CUSTOM_DATA_SPACE, defaultSpaceOf, spaceProblem } from './default-spaces.js';
export { SEARCH_OPTIONS, optionSpec, type SearchOptionSpec, type SearchOptionKey } from './table.js';
export { checkOption, flagName, helpText, type OptionSpec, type Scope, type DescribedDefault, type PlainValue } from './spec.js';
export { SEARCH_DEFAULTS, type SearchOptions, type RunArgs, type SearchCommandArgs, type GivenValue } from './derived.js';
export { resolveSearchConfig } from './resolve.js';
export { customOptionsOf, type DescribedOptions } from './special-cases.js';
export { configDifferences } from './differences.js';
export { resolveRunOptions, type RunOptions, type RunOptionArgs, type Machine } from './run-options.js';
export { OPTION_BOUNDS } from './bounds.js';
export { declareSearchOptions, searchInputFromArgs, type SearchInput } from './cli.js';
