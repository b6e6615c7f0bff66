import { createTrainingEvaluator } from '../evaluation/index.js';
import type { Evaluator } from '../evaluation/types.js';
import type { ProblemSpec } from '../space/types.js';
import type { TrainerPool } from '../trainer/index.js';
import type { SearchConfig } from './options/index.js';
import { fakeEvaluatorFromEnv } from './test-hooks.js';

/**
 * Which evaluator serves a search: the fake when a test asks for it through the environment, else training from
 * scratch in the trainer's worker pool (layer spaces), the pool whose backend the preflight proved.
 */
export function createEvaluator(config: SearchConfig, problem: ProblemSpec, pool: TrainerPool | undefined): Evaluator {
  const fake = fakeEvaluatorFromEnv(problem);
  if (fake) return fake;
  if (pool === undefined) throw new Error('a search that trains needs the pool that its preflight proved');
  return createTrainingEvaluator(
    {
      dataset: config.dataset,
      dataDir: config.dataDir,
      labelMode: config.labelMode,
      valFraction: config.valFraction,
      splitSeed: config.seed,
      batchSize: config.batchSize,
      learningRate: config.learningRate,
      optimizer: config.optimizer,
    },
    pool,
  );
}
