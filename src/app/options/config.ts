/** The stored experiment config: what defines an experiment, kept with it in the database. */
import type { SharingRuleName } from '../../evaluation/shared/sharing-rules.js';
import type { StrategyName } from '../../controller/types.js';
import type { DatasetDescriptor } from '../../data/custom/types.js';
import type { SpaceDefinition } from '../../space/types.js';
import type { HyperParams } from '../../trainer/types.js';

/**
 * The version of the SearchConfig layout; the store records it with each experiment. 2 added datasetDescriptor
 * (--dataset PATH); configs without one are still written as 1, so that an older nas reads them.
 */
export const CONFIG_VERSION = 2;

export function configVersionOf(config: Pick<SearchConfig, 'datasetDescriptor'>): number {
  return config.datasetDescriptor ? 2 : 1;
}

export type BackendName = 'auto' | 'tensorflow-gpu' | 'tensorflow' | 'wasm' | 'cpu';
export type Objective = 'accuracy' | 'cost';
export type PruneMode = 'median' | 'halving' | 'none';
export type OptimizerName = 'adam' | 'sgd';
export type ScheduleName = HyperParams['schedule'];
/** 'retrain' marks the experiment that a shared-weight search creates for its phase 2; users choose train or shared. */
export type EvaluatorName = 'train' | 'shared' | 'retrain';

export const BACKENDS: readonly BackendName[] = ['auto', 'tensorflow-gpu', 'tensorflow', 'wasm', 'cpu'];
export const OBJECTIVES: readonly Objective[] = ['accuracy', 'cost'];
export const PRUNE_MODES: readonly PruneMode[] = ['median', 'halving', 'none'];
export const OPTIMIZERS: readonly OptimizerName[] = ['adam', 'sgd'];
export const SCHEDULES: readonly ScheduleName[] = ['cosine', 'constant'];
export const EVALUATORS: readonly EvaluatorName[] = ['train', 'shared', 'retrain'];

/**
 * What defines an experiment: stored with it, and the same on every resume except the settings whose
 * option is 'experiment-mutable' (see the option table). Runtime choices that do not change which
 * architectures are proposed (concurrency, GPUs, time limit, output) are run options, never stored.
 * The keys are those of databases written before this type moved here: old experiments must resume.
 */
export interface SearchConfig {
  /** A shipped dataset's name, or the absolute path of the user's own data (then described by datasetDescriptor). */
  dataset: string;
  /** The user's own data (--dataset PATH): how it was read and what it held; a replay refuses other data. */
  datasetDescriptor?: DatasetDescriptor;
  dataDir?: string;
  labelMode?: string;
  /** The name or path the user gave, and the definition read from it (resume uses the stored one). */
  space: string;
  spaceDefinition: SpaceDefinition;
  strategy: StrategyName;
  /** Strategy options (e.g. batchSize): passed to the strategy as given. */
  strategyOptions: Record<string, number | string | boolean>;
  trials: number;
  seed: number;
  epochs: number;
  trainLimit?: number;
  /** At most this many validation examples per trial (default: in proportion to trainLimit). */
  valLimit?: number;
  valFraction: number;
  batchSize: number;
  learningRate: number;
  optimizer: OptimizerName;
  /** Each trial's learning rate over its epochs (configs stored before the option have none: constant). */
  schedule: ScheduleName;
  objective: Objective;
  paramTarget: number;
  costWeight: number;
  maxParams?: number;
  /** Multiply-accumulates per image; the masks only propose ARCHs within it. */
  maxMacs?: number;
  prune: PruneMode;
  /** Completed trials (of earlier batches) needed before the median pruner acts. */
  pruneMinTrials: number;
  /** Successive halving (--prune halving): each rung keeps the top 1/eta; rungs at minEpochs x eta^k. */
  halvingEta: number;
  halvingMinEpochs: number;
  /** How a proposal is scored: trained from scratch, or on shared weights (then the best retrained). */
  evaluator: EvaluatorName;
  sharedSteps: number;
  sharedWarmup: number;
  sharedScoreImages: number;
  /** Steps along a proposal's path alone before it is scored, from the shared weights, which are then put back. */
  sharedTuneSteps: number;
  /** How far paths share weights (src/evaluation/shared/sharing-rules.ts). */
  sharedRule: SharingRuleName;
  retrainTop: number;
  sharedTimeShare: number;
  failureReward: number;
  maxConsecutiveFailures: number;
  backend: BackendName;
}
