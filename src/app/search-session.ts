import fs from 'node:fs';
import { createStrategy, restoreStrategy } from '../controller/index.js';
import { trialSeed } from '../evaluation/index.js';
import type { Evaluator } from '../evaluation/types.js';
import { consecutiveFailures, medianPruner, NO_PRUNER, objectiveReward, runSearch, successiveHalvingPruner, trialCount } from '../search/index.js';
import type { KillHook, Pruner, SearchDeps, SearchEvent, SearchSummary } from '../search/index.js';
import type { ProblemSpec } from '../space/types.js';
import { Store, type ExperimentRecord } from '../store/index.js';
import { threadsPerWorker } from '../trainer/index.js';
import { checkQueue } from '../dispatch/index.js';
import { checkEvaluator, checkQueueUse, createEvaluator } from './evaluators.js';
import { sharedEvaluatorFor } from './shared-evaluator.js';
import { runSharedSearch, type SharedPhases } from './shared-search.js';
import { applyExperiment, planExperiment, resumeCommand, type ExperimentPlan } from './experiment.js';
import { describeGivenDataset } from './custom-data.js';
import { resolveRunOptions, resolveSearchConfig, type RunOptions, type SearchConfig, type SearchOptions } from './options/index.js';
import { preflight, type BackendInUse, type Preflight } from './preflight/index.js';
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
  /** Called once every preflight check has passed, before the experiment is written (the CLI prints the backend). */
  onPreflight?: (report: PreflightReport) => void;
  /** Crash-test hook (default: from $NAS_TEST_KILL_AT). */
  killHook?: KillHook;
  /** How long a trial's lease lasts without renewal (default: the search's). */
  leaseMs?: number;
  /** Send the trials to `nas worker`s through this queue (redis:// URL) instead of this machine's pool. */
  queue?: string;
}

/** What the preflight found, before anything is written. */
export interface PreflightReport {
  /** The backend the trials train on; absent when none trains in the pool (the fake evaluator, or a given one). */
  backend?: BackendInUse;
  /** --dataset PATH: what was read (images, classes, shape, what was skipped or ignored, decoded or cached). */
  dataset?: string;
}

/**
 * `nas search` from options to summary: the options, then every preflight check (src/app/preflight/), all before
 * the database is created or changed, so that a mistake writes nothing; then the experiment is created or
 * resumed and searched.
 */
export async function startSearch(request: SearchRequest): Promise<SearchSummary> {
  const run = resolveRunOptions(request, threadsPerWorker);
  const data = await describeGivenDataset(request.options);
  const given = request.resume ? undefined : resolveSearchConfig(data.options);
  const resolveStored = (stored: SearchConfig): SearchConfig => resolveSearchConfig(data.options, stored);
  const plan = readPlan(request, given, resolveStored);
  checkEvaluator(plan.config, given);
  checkQueueUse(plan.config, run.queue);
  const trains = request.createEvaluator === undefined && !process.env[FAKE_EVALUATOR_ENV] && run.queue === undefined;
  const checked = await preflight(plan.config, run, { dbFile: request.dbFile, trains });
  if (run.queue !== undefined) await checkQueue(run.queue);
  const backend = checked.proven?.backend;
  let evaluator: Evaluator | undefined;
  let store: Store | undefined;
  try {
    request.onPreflight?.({ ...(backend ? { backend } : {}), ...(data.summary ? { dataset: data.summary } : {}) });
    store = Store.open(request.dbFile, { create: !request.resume });
    // Planned again on the writable store: another process may have created the experiment since.
    const current = planExperiment(store, { ...request, name: plan.name }, given, resolveStored);
    const { config } = current;
    const experiment = applyExperiment(store, current, backend?.text);
    const queue = run.queue === undefined ? undefined : { url: run.queue, experiment };
    evaluator = request.createEvaluator?.(checked.problem) ?? createEvaluator(config, checked.problem, checked.proven?.pool, queue);
    if (config.evaluator !== 'train') return await runSharedSearch(sharedPhases(request, run, store, checked, evaluator), experiment, config);
    return await runSearch(searchDeps(request, run, config, store, experiment, checked, evaluator));
  } finally {
    await (evaluator ?? checked.proven?.pool)?.close();
    store?.close();
  }
}

function sharedPhases(request: SearchRequest, run: RunOptions, store: Store, checked: Preflight, trainingEvaluator: Evaluator): SharedPhases {
  return {
    store,
    depsFor: (experiment, config) => searchDeps(request, run, config, store, experiment, checked, trainingEvaluator),
    sharedEvaluator: (experiment, config) => sharedEvaluatorFor(config, checked.problem, checked.process, store, experiment, run.threads * run.concurrency),
    trainingEvaluator,
    timeLimitSeconds: run.timeLimitSeconds,
  };
}

/** The plan from the database as it is, read-only: a resume's stored settings are checked before anything changes. */
function readPlan(request: SearchRequest, given: SearchConfig | undefined, resolveStored: (stored: SearchConfig) => SearchConfig): ExperimentPlan {
  if (given && !hasDatabase(request.dbFile)) return planExperiment(undefined, request, given, resolveStored);
  // A new experiment may find the file just made by another search, its schema not yet committed: nothing to plan against.
  const store = Store.openReadOnly(request.dbFile, { allowEmpty: given !== undefined });
  try {
    return planExperiment(store.holdsResults ? store : undefined, request, given, resolveStored);
  } finally {
    store.close();
  }
}

/** A file to read; an empty one is a database yet to be made (SQLite creates one in it). */
function hasDatabase(file: string): boolean {
  try {
    return fs.statSync(file).size > 0;
  } catch {
    return false;
  }
}

function searchDeps(
  request: SearchRequest,
  run: RunOptions,
  config: SearchConfig,
  store: Store,
  experiment: ExperimentRecord,
  checked: Preflight,
  evaluator: Evaluator,
): SearchDeps {
  const context = { process: checked.process, seed: config.seed, options: config.strategyOptions };
  return {
    store,
    experiment,
    process: checked.process,
    problem: checked.problem,
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
  };
}

function budgetOf(config: SearchConfig): SearchDeps['budget'] {
  const budget: SearchDeps['budget'] = { epochs: config.epochs };
  if (config.trainLimit !== undefined) budget.trainLimit = config.trainLimit;
  if (config.valLimit !== undefined) budget.valLimit = config.valLimit;
  return budget;
}

/** The pruner --prune names. */
function prunerOf(config: SearchConfig): Pruner {
  if (config.prune === 'median') return medianPruner(config.pruneMinTrials);
  if (config.prune === 'halving') return successiveHalvingPruner({ eta: config.halvingEta, minEpochs: config.halvingMinEpochs });
  return NO_PRUNER;
}

function policiesOf(config: SearchConfig, run: RunOptions, experiment: string, pruner: Pruner | undefined): SearchDeps['policies'] {
  return {
    target: trialCount(config.trials),
    pruner: pruner ?? prunerOf(config),
    failures: consecutiveFailures(config.maxConsecutiveFailures, config.failureReward, experiment),
    reward: objectiveReward(config),
    timeLimitSeconds: run.timeLimitSeconds,
  };
}
