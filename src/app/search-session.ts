import { createStrategy, restoreStrategy } from '../controller/index.js';
import { datasetInfo, fetchDataset } from '../data/index.js';
import { trialSeed } from '../evaluation/index.js';
import type { Evaluator } from '../evaluation/types.js';
import { consecutiveFailures, medianPruner, NO_PRUNER, objectiveReward, runSearch, trialCount } from '../search/index.js';
import type { KillHook, Pruner, SearchDeps, SearchEvent, SearchSummary } from '../search/index.js';
import { bindSpace } from '../space/index.js';
import type { ProblemSpec } from '../space/types.js';
import { Store } from '../store/index.js';
import { threadsPerWorker } from '../trainer/index.js';
import { createEvaluator } from './evaluators.js';
import { openExperiment, resumeCommand } from './experiment.js';
import { resolveRunOptions, resolveSearchConfig, type RunOptions, type SearchConfig, type SearchOptions } from './options/index.js';
import { FAKE_EVALUATOR_ENV, killHookFromEnv } from './test-hooks.js';

export interface SearchRequest {
  options: SearchOptions;
  /** Experiment name; default: derived from dataset, space, strategy and seed (so re-running a command resumes it). */
  name?: string;
  /** Continue the named (default: the latest) experiment with its stored settings. */
  resume: boolean;
  dbFile: string;
  concurrency?: number;
  gpus?: string[];
  /** wasm threads per worker (default: the cores shared out between the workers). */
  threads?: number;
  timeLimitSeconds?: number;
  onEvent?: (event: SearchEvent) => void;
  signal?: AbortSignal;
  /** The evaluation step (default: training in the trainer's pool, or the fake one when $NAS_TEST_EVALUATOR is set). */
  createEvaluator?: (problem: ProblemSpec) => Evaluator;
  /** The pruner (default: the one --prune names). */
  pruner?: Pruner;
  /** Crash-test hook (default: from $NAS_TEST_KILL_AT). */
  killHook?: KillHook;
  /** How long a trial's lease lasts without renewal (default: the search's). */
  leaseMs?: number;
}

/**
 * `nas search` from options to summary: every option is checked before the database is opened (a mistake
 * writes nothing), then the experiment is created or resumed and searched.
 */
export async function startSearch(request: SearchRequest): Promise<SearchSummary> {
  const run = resolveRunOptions(request, threadsPerWorker);
  const given = request.resume ? undefined : resolveSearchConfig(request.options);
  if (given) await ensureDataset(given);
  const store = Store.open(request.dbFile, { create: !request.resume });
  let evaluator: Evaluator | undefined;
  try {
    const { experiment, config } = openExperiment(store, request, given, (stored) => resolveSearchConfig(request.options, stored));
    if (!given) await ensureDataset(config);
    const problem = problemOf(config);
    const process = bindSpace(config.spaceDefinition, problem);
    const context = { process, seed: config.seed, options: config.strategyOptions };
    evaluator = request.createEvaluator?.(problem) ?? createEvaluator(config, run, problem);
    return await runSearch({
      store,
      experiment,
      process,
      problem,
      strategies: {
        create: () => createStrategy(config.strategy, context),
        restore: (state) => restoreStrategy(config.strategy, context, state),
      },
      evaluator,
      budget: budgetOf(config),
      seedOf: (seq) => trialSeed(config.seed, seq),
      policies: policiesOf(config, run, experiment.name, request.pruner),
      concurrency: run.concurrency,
      leaseMs: request.leaseMs,
      onEvent: request.onEvent,
      signal: request.signal,
      killHook: request.killHook ?? killHookFromEnv(),
      resumeHint: resumeCommand(experiment.name, request.dbFile),
    });
  } finally {
    await evaluator?.close();
    store.close();
  }
}

function problemOf(config: SearchConfig): ProblemSpec {
  const info = datasetInfo(config.dataset, { labelMode: config.labelMode });
  const problem: ProblemSpec = { input: info.inputShape, classes: info.numClasses };
  if (config.maxParams !== undefined) problem.maxParams = config.maxParams;
  if (config.maxMacs !== undefined) problem.maxMacs = config.maxMacs;
  return problem;
}

function budgetOf(config: SearchConfig): SearchDeps['budget'] {
  const budget: SearchDeps['budget'] = { epochs: config.epochs };
  if (config.trainLimit !== undefined) budget.trainLimit = config.trainLimit;
  if (config.valLimit !== undefined) budget.valLimit = config.valLimit;
  return budget;
}

function policiesOf(config: SearchConfig, run: RunOptions, experiment: string, pruner: Pruner | undefined): SearchDeps['policies'] {
  return {
    target: trialCount(config.trials),
    pruner: pruner ?? (config.prune === 'median' ? medianPruner(config.pruneMinTrials) : NO_PRUNER),
    failures: consecutiveFailures(config.maxConsecutiveFailures, config.failureReward, experiment),
    reward: objectiveReward(config),
    timeLimitSeconds: run.timeLimitSeconds,
  };
}

/** Makes sure the dataset's files are there (downloading if it must) before any worker needs them. */
async function ensureDataset(config: SearchConfig): Promise<void> {
  if (config.dataset === 'synthetic' || process.env[FAKE_EVALUATOR_ENV]) return;
  await fetchDataset(config.dataset, { dataDir: config.dataDir });
}
