import { createTrainingEvaluator } from '../evaluation/index.js';
import type { Evaluator } from '../evaluation/types.js';
import type { ProblemSpec } from '../space/types.js';
import { createTrainerPool } from '../trainer/index.js';
import type { RunOptions, SearchConfig } from './options/index.js';
import { fakeEvaluatorFromEnv } from './test-hooks.js';

/**
 * Which evaluator serves a search: training from scratch in the trainer's worker pool (layer spaces), or the
 * fake when a test asks for it through the environment.
 */
export function createEvaluator(config: SearchConfig, run: RunOptions, problem: ProblemSpec): Evaluator {
  const fake = fakeEvaluatorFromEnv(problem);
  if (fake) return fake;
  const pool = createTrainerPool({ size: run.concurrency, backend: config.backend, gpus: run.gpus, threads: run.threads });
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
