import { checkStrategyOptions, DEFAULT_STRATEGY, STRATEGY_NAMES } from '../controller/index.js';
import type { StrategyName } from '../controller/types.js';
import { DATASET_NAMES, datasetInfo } from '../data/index.js';
import type { DatasetName } from '../data/types.js';
import { ConfigError } from '../errors.js';
import { defaultMaxMacs, loadSpace } from '../space/index.js';
import type { BackendName } from '../trainer/types.js';
import type { Objective, PruneMode, SearchConfig } from './types.js';

export const BACKENDS: readonly BackendName[] = ['auto', 'tensorflow-gpu', 'tensorflow', 'wasm', 'cpu'];
export const OBJECTIVES: readonly Objective[] = ['accuracy', 'cost'];
export const PRUNE_MODES: readonly PruneMode[] = ['median', 'none'];
export const OPTIMIZERS: readonly SearchConfig['optimizer'][] = ['adam', 'sgd'];

/**
 * The space a search uses when --space is not given: one made for the dataset's images. Its own default MAC
 * cap (`defaultMaxMacs` in the space file) then applies unless --max-macs is given.
 */
export const DEFAULT_SPACES: Readonly<Record<DatasetName, string>> = {
  'fashion-mnist': 'fashion',
  mnist: 'fashion',
  cifar10: 'cifar-deep',
  cifar100: 'cifar-deep',
  fer2013: 'seed-cnn',
  synthetic: 'seed-cnn',
};

export const SEARCH_DEFAULTS = {
  strategy: DEFAULT_STRATEGY,
  trials: 50,
  seed: 1,
  epochs: 3,
  valFraction: 0.1,
  batchSize: 64,
  learningRate: 0.001,
  optimizer: 'adam' as const,
  objective: 'accuracy' as const,
  paramTarget: 1_000_000,
  costWeight: -0.07,
  prune: 'median' as const,
  pruneMinTrials: 5,
  failureReward: 0,
  maxConsecutiveFailures: 5,
  backend: 'auto' as const,
};

/** Search options as the user gave them; undefined means "not given" (default, or the stored value on resume). */
export interface SearchOptions {
  dataset?: string;
  dataDir?: string;
  labelMode?: string;
  space?: string;
  strategy?: string;
  /** Proposals per strategy update (the strategy's batchSize option). */
  controllerBatch?: number;
  /** Further strategy options, as JSON text (e.g. '{"learningRate": 0.05}'). */
  controllerOptions?: string;
  trials?: number;
  seed?: number;
  epochs?: number;
  trainLimit?: number;
  valLimit?: number;
  valFraction?: number;
  batchSize?: number;
  learningRate?: number;
  optimizer?: string;
  objective?: string;
  paramTarget?: number;
  costWeight?: number;
  maxParams?: number;
  maxMacs?: number;
  prune?: string;
  pruneMinTrials?: number;
  failureReward?: number;
  maxConsecutiveFailures?: number;
  backend?: string;
}

/**
 * Checks every option and fills in defaults (or, when resuming, the stored experiment's values): a bad value is
 * a ConfigError (or SpaceError / DataError) naming the option. Reads the space file; touches nothing else.
 */
export function resolveSearchConfig(options: SearchOptions, base?: SearchConfig): SearchConfig {
  const datasetName = options.dataset ?? base?.dataset;
  if (datasetName === undefined) throw new ConfigError(`--dataset is required (one of: ${DATASET_NAMES.join(', ')})`);
  const dataset = oneOf('--dataset', datasetName, DATASET_NAMES) as DatasetName;
  const labelMode = options.labelMode ?? base?.labelMode;
  datasetInfo(dataset, { labelMode });
  const { space, spaceDefinition } = resolveSpace(options.space, base, dataset);
  const d = base ?? SEARCH_DEFAULTS;
  const strategy = oneOf('--strategy', options.strategy ?? d.strategy, STRATEGY_NAMES) as StrategyName;
  const strategyOptions = resolveStrategyOptions(strategy, options, base);
  const config: SearchConfig = {
    dataset,
    space,
    spaceDefinition,
    strategy,
    strategyOptions,
    trials: positiveInteger('--trials', options.trials ?? d.trials),
    seed: nonNegativeInteger('--seed', options.seed ?? d.seed),
    epochs: positiveInteger('--epochs', options.epochs ?? d.epochs),
    valFraction: inOpenUnit('--val-fraction', options.valFraction ?? d.valFraction),
    batchSize: positiveInteger('--batch-size', options.batchSize ?? d.batchSize),
    learningRate: positiveNumber('--lr', options.learningRate ?? d.learningRate),
    optimizer: oneOf('--optimizer', options.optimizer ?? d.optimizer, OPTIMIZERS),
    objective: oneOf('--objective', options.objective ?? d.objective, OBJECTIVES),
    paramTarget: positiveNumber('--param-target', options.paramTarget ?? d.paramTarget),
    costWeight: finiteNumber('--cost-weight', options.costWeight ?? d.costWeight),
    prune: oneOf('--prune', options.prune ?? d.prune, PRUNE_MODES),
    pruneMinTrials: positiveInteger('--prune-min-trials', options.pruneMinTrials ?? d.pruneMinTrials),
    failureReward: finiteNumber('--failure-reward', options.failureReward ?? d.failureReward),
    maxConsecutiveFailures: positiveInteger('--max-consecutive-failures', options.maxConsecutiveFailures ?? d.maxConsecutiveFailures),
    backend: oneOf('--backend', options.backend ?? d.backend, BACKENDS),
  };
  const dataDir = options.dataDir ?? base?.dataDir;
  const trainLimit = options.trainLimit ?? base?.trainLimit;
  const valLimit = options.valLimit ?? base?.valLimit;
  const maxParams = options.maxParams ?? base?.maxParams;
  const maxMacs = options.maxMacs ?? (base ? base.maxMacs : defaultMaxMacs(spaceDefinition));
  if (dataDir !== undefined) config.dataDir = dataDir;
  if (labelMode !== undefined) config.labelMode = labelMode;
  if (trainLimit !== undefined) config.trainLimit = positiveInteger('--train-limit', trainLimit);
  if (valLimit !== undefined) config.valLimit = positiveInteger('--val-limit', valLimit);
  if (maxParams !== undefined) config.maxParams = positiveInteger('--max-params', maxParams);
  if (maxMacs !== undefined) config.maxMacs = positiveInteger('--max-macs', maxMacs);
  return config;
}

/** --controller-options JSON and --controller-batch (which wins for batchSize); on resume, the stored ones. */
function resolveStrategyOptions(strategy: StrategyName, options: SearchOptions, base?: SearchConfig): SearchConfig['strategyOptions'] {
  if (options.controllerBatch === undefined && options.controllerOptions === undefined) return { ...(base?.strategyOptions ?? {}) };
  const parsed = options.controllerOptions === undefined ? {} : jsonObject(options.controllerOptions);
  const result = { ...(parsed as SearchConfig['strategyOptions']) };
  if (options.controllerBatch !== undefined) result.batchSize = positiveInteger('--controller-batch', options.controllerBatch);
  checkStrategyOptions(strategy, result);
  return result;
}

function jsonObject(text: string): unknown {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new ConfigError(`--controller-options must be a JSON object such as '{"learningRate": 0.05}', not ${text}`);
  }
  return parsed;
}

/** A resumed experiment keeps the space definition it stored, even if the file changed or moved since. */
function resolveSpace(given: string | undefined, base: SearchConfig | undefined, dataset: DatasetName): Pick<SearchConfig, 'space' | 'spaceDefinition'> {
  if (given === undefined && base) return { space: base.space, spaceDefinition: base.spaceDefinition };
  const space = given ?? DEFAULT_SPACES[dataset];
  const spaceDefinition = loadSpace(space);
  if (spaceDefinition.kind !== 'layers') {
    throw new ConfigError(`space '${space}' is a ${spaceDefinition.kind} cell space; nas search trains CNNs from layer spaces only`);
  }
  return { space, spaceDefinition };
}

/** Settings that may differ between runs of one experiment without changing what it proposes. */
const RUN_SETTINGS: readonly (keyof SearchConfig)[] = ['trials', 'backend', 'dataDir'];

/** Settings in which two configs differ, ignoring those a resumed run may change. */
export function configDifferences(stored: SearchConfig, given: SearchConfig): string[] {
  const keys = new Set([...Object.keys(stored), ...Object.keys(given)] as (keyof SearchConfig)[]);
  return [...keys]
    .filter((key) => !RUN_SETTINGS.includes(key))
    .filter((key) => JSON.stringify(stored[key]) !== JSON.stringify(given[key]))
    .map((key) => `${key}: ${brief(stored[key])} -> ${brief(given[key])}`);
}

function brief(value: unknown): string {
  const text = JSON.stringify(value) ?? 'unset';
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}

export function oneOf<T extends string>(option: string, value: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(value)) {
    throw new ConfigError(`${option} must be one of ${allowed.join(', ')}, not '${value}'`);
  }
  return value as T;
}

export function positiveInteger(option: string, value: number): number {
  if (!Number.isInteger(value) || value < 1) throw new ConfigError(`${option} must be a positive integer, not ${value}`);
  return value;
}

export function nonNegativeInteger(option: string, value: number): number {
  if (!Number.isInteger(value) || value < 0) throw new ConfigError(`${option} must be an integer >= 0, not ${value}`);
  return value;
}

export function positiveNumber(option: string, value: number): number {
  if (!Number.isFinite(value) || value <= 0) throw new ConfigError(`${option} must be a positive number, not ${value}`);
  return value;
}

function finiteNumber(option: string, value: number): number {
  if (!Number.isFinite(value)) throw new ConfigError(`${option} must be a number, not ${value}`);
  return value;
}

function inOpenUnit(option: string, value: number): number {
  if (!(value > 0 && value < 1)) throw new ConfigError(`${option} must be between 0 and 1 (exclusive), not ${value}`);
  return value;
}
