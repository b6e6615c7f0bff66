import { DATASET_NAMES } from '../data/registry.js';
import { createQueueEvaluator, experimentKey } from '../dispatch/index.js';
import { createTrainingEvaluator } from '../evaluation/index.js';
import type { Evaluator } from '../evaluation/types.js';
import type { ProblemSpec } from '../space/types.js';
import type { TrainerPool } from '../trainer/index.js';
import { ConfigError } from '../errors.js';
import type { SearchConfig } from './options/index.js';
import { fakeEvaluatorFromEnv } from './test-hooks.js';

/**
 * Which evaluator serves a search: the fake when a test asks for it through the environment, else training from
 * scratch in the trainer's worker pool (layer spaces), the pool whose backend the preflight proved.
 */
export function createEvaluator(config: SearchConfig, problem: ProblemSpec, pool: TrainerPool | undefined, queue?: QueueTarget): Evaluator {
  if (queue) return queueEvaluator(config, queue);
  const fake = fakeEvaluatorFromEnv(problem);
  if (fake) return fake;
  if (pool === undefined) throw new Error('a search that trains needs the pool that its preflight proved');
  return createTrainingEvaluator(
    {
      dataset: config.dataset,
      ...(config.datasetDescriptor ? { datasetDescriptor: config.datasetDescriptor } : {}),
      dataDir: config.dataDir,
      labelMode: config.labelMode,
      valFraction: config.valFraction,
      splitSeed: config.seed,
      batchSize: config.batchSize,
      learningRate: config.learningRate,
      optimizer: config.optimizer,
      schedule: config.schedule,
    },
    pool,
  );
}

/**
 * --evaluator shared needs a layer space with a fixed number of slots (each slot's shared weights belong to its
 * position); 'retrain' is set by nas for the second phase of a shared-weight search, never given.
 */
export function checkEvaluator(config: SearchConfig, given: SearchConfig | undefined): void {
  if (given?.evaluator === 'retrain') throw new ConfigError('--evaluator must be train or shared (retrain is the second phase of a shared search, which nas starts itself)');
  if (config.evaluator !== 'shared') return;
  const space = config.spaceDefinition;
  if (space.kind !== 'layers') throw new ConfigError(`--evaluator shared needs a layer space; '${space.name}' is a cell space (its table scores cells already)`);
  if (space.minLayers !== space.maxLayers) {
    throw new ConfigError(`--evaluator shared needs a space with a fixed number of slots (minLayers = maxLayers); '${space.name}' has ${space.minLayers} to ${space.maxLayers} layers (try --space fashion-oneshot)`);
  }
}

/** Where a search with --queue sends its trials: the queue, and the experiment its jobs belong to. */
export interface QueueTarget {
  url: string;
  experiment: { id: number; name: string; createdAt: string };
  /** Re-attached jobs, ignored duplicates, Redis lost and back (default: a line on stderr). */
  onNotice?: (message: string) => void;
}

/** The trials go to `nas worker`s through the queue (src/dispatch); this process only proposes and commits. */
function queueEvaluator(config: SearchConfig, queue: QueueTarget): Evaluator {
  return createQueueEvaluator({
    url: queue.url,
    experiment: { key: experimentKey(queue.experiment), name: queue.experiment.name },
    training: {
      dataset: config.dataset,
      ...(config.labelMode === undefined ? {} : { labelMode: config.labelMode }),
      valFraction: config.valFraction,
      splitSeed: config.seed,
      batchSize: config.batchSize,
      learningRate: config.learningRate,
      optimizer: config.optimizer,
      schedule: config.schedule,
    },
    onNotice: queue.onNotice ?? ((message) => void process.stderr.write(`nas: queue: ${message}\n`)),
  });
}

/** --queue sends trials that train from scratch on a named dataset, which each worker reads from its own data folder. */
export function checkQueueUse(config: SearchConfig, queue: string | undefined): void {
  if (queue === undefined) return;
  if (config.evaluator !== 'train') {
    throw new ConfigError(`--queue sends trials that train from scratch; --evaluator ${config.evaluator} scores them in this process (drop one of the two)`);
  }
  if (!(DATASET_NAMES as readonly string[]).includes(config.dataset)) {
    throw new ConfigError(`--queue needs a named dataset (${DATASET_NAMES.join(', ')}), which each worker reads from its own data folder; '${config.dataset}' is a path on this machine`);
  }
}
