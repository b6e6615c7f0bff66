import { createStrategy, restoreStrategy } from '../controller/index.js';
import { datasetInfo, fetchDataset } from '../data/index.js';
import { ConfigError, StoreError } from '../errors.js';
import { bindSpace } from '../space/index.js';
import type { ProblemSpec } from '../space/types.js';
import { Store, type ExperimentRecord } from '../store/index.js';
import { createTrainerPool, threadsPerWorker } from '../trainer/index.js';
import { configDifferences, positiveInteger, positiveNumber, resolveSearchConfig, type SearchOptions } from './config.js';
import { createFakeEvaluator, FAKE_EVALUATOR_ENV } from './fake-evaluator.js';
import { killHookFromEnv, type KillHook } from './kill-points.js';
import { runSearch } from './orchestrator.js';
import type { Evaluator, RunOptions, SearchConfig, SearchEvent, SearchSummary } from './types.js';

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
  /** The evaluation step (default: a trainer pool, or the fake one when $NAS_TEST_EVALUATOR is set). */
  createEvaluator?: (problem: ProblemSpec) => Evaluator;
  /** Crash-test hook (default: from $NAS_TEST_KILL_AT). */
  killHook?: KillHook;
}

/**
 * `nas search` from options to summary: every option is checked before the database is opened (a mistake
 * writes nothing), then the experiment is created or resumed and searched.
 */
export async function startSearch(request: SearchRequest): Promise<SearchSummary> {
  const run = resolveRunOptions(request);
  const given = request.resume ? undefined : resolveSearchConfig(request.options);
  if (given) await ensureDataset(given);
  const store = Store.open(request.dbFile, { create: !request.resume });
  let evaluator: Evaluator | undefined;
  try {
    const { experiment, config } = openExperiment(store, request, given);
    if (!given) await ensureDataset(config);
    const info = datasetInfo(config.dataset, { labelMode: config.labelMode });
    const problem: ProblemSpec = { input: info.inputShape, classes: info.numClasses };
    if (config.maxParams !== undefined) problem.maxParams = config.maxParams;
    if (config.maxMacs !== undefined) problem.maxMacs = config.maxMacs;
    const process = bindSpace(config.spaceDefinition, problem);
    const context = { process, seed: config.seed, options: config.strategyOptions };
    evaluator = request.createEvaluator?.(problem) ?? createEvaluator(config, run, request.gpus, problem);
    return await runSearch({
      store,
      experiment,
      config,
      run,
      process,
      problem,
      strategies: {
        create: () => createStrategy(config.strategy, context),
        restore: (state) => restoreStrategy(config.strategy, context, state),
      },
      evaluator,
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

export function defaultExperimentName(config: Pick<SearchConfig, 'dataset' | 'spaceDefinition' | 'strategy' | 'seed'>): string {
  return `${config.dataset}-${config.spaceDefinition.name}-${config.strategy}-seed${config.seed}`;
}

export function resumeCommand(name: string, dbFile: string): string {
  const db = dbFile === 'results.db' ? '' : ` --db ${shellQuote(dbFile)}`;
  return `nas search --resume --name ${shellQuote(name)}${db}`;
}

function shellQuote(text: string): string {
  return /^[\w./:-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`;
}

function resolveRunOptions(request: SearchRequest): RunOptions {
  const run: RunOptions = { concurrency: positiveInteger('--concurrency', request.concurrency ?? 1) };
  if (request.gpus?.length) run.concurrency = request.gpus.length;
  if (request.timeLimitSeconds !== undefined) run.timeLimitSeconds = positiveNumber('--time-limit', request.timeLimitSeconds);
  run.threads = request.threads === undefined ? threadsPerWorker(run.concurrency) : positiveInteger('--threads', request.threads);
  for (const gpu of request.gpus ?? []) {
    if (!/^\d+$/.test(gpu)) throw new ConfigError(`--gpus takes device numbers such as 0,1, not '${gpu}'`);
  }
  return run;
}

/** Creates, continues or resumes the experiment; a name reused with other settings is an error, not a silent merge. */
function openExperiment(
  store: Store,
  request: SearchRequest,
  given: SearchConfig | undefined,
): { experiment: ExperimentRecord; config: SearchConfig } {
  if (!given) {
    const existing = request.name ? store.experiments.byName(request.name) : store.experiments.latest();
    if (!existing) {
      throw new StoreError(
        request.name ? `no experiment named '${request.name}' in ${store.file} (see nas experiments)` : `no experiment to resume in ${store.file}`,
      );
    }
    const stored = existing.config as unknown as SearchConfig;
    const config = resolveSearchConfig(request.options, stored);
    refuseChanges(existing.name, stored, config, 'cannot be changed on resume');
    if (config.trials !== stored.trials || config.backend !== stored.backend) store.experiments.updateConfig(existing.id, { ...config });
    return { experiment: existing, config };
  }
  const name = request.name ?? defaultExperimentName(given);
  const existing = store.experiments.byName(name);
  if (!existing) {
    const experiment = store.experiments.create({
      name,
      dataset: given.dataset,
      space: given.spaceDefinition.name,
      strategy: given.strategy,
      seed: given.seed,
      config: { ...given },
    });
    return { experiment, config: given };
  }
  const stored = existing.config as unknown as SearchConfig;
  refuseChanges(name, stored, given, `differ from those it was started with; choose another --name, or continue it with ${resumeCommand(name, request.dbFile)}`);
  if (given.trials !== stored.trials || given.backend !== stored.backend) store.experiments.updateConfig(existing.id, { ...given });
  return { experiment: existing, config: given };
}

function refuseChanges(name: string, stored: SearchConfig, config: SearchConfig, why: string): void {
  const differences = configDifferences(stored, config);
  if (differences.length > 0) throw new ConfigError(`experiment '${name}': settings ${differences.join('; ')} ${why}`);
}

/** Makes sure the dataset's files are there (downloading if it must) before any worker needs them. */
async function ensureDataset(config: SearchConfig): Promise<void> {
  if (config.dataset === 'synthetic' || process.env[FAKE_EVALUATOR_ENV]) return;
  await fetchDataset(config.dataset, { dataDir: config.dataDir });
}

function createEvaluator(config: SearchConfig, run: RunOptions, gpus: string[] | undefined, problem: ProblemSpec): Evaluator {
  const fake = process.env[FAKE_EVALUATOR_ENV];
  if (fake) return createFakeEvaluator(problem, Number(fake.split(':')[1] ?? 0));
  return createTrainerPool({ size: run.concurrency, backend: config.backend, gpus, threads: run.threads });
}
