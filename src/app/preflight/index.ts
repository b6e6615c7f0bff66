/**
 * Preflight of `nas search`: every check that can run before anything is written, in the order of their cost:
 * the database's folder, the space bound to the dataset under the caps, the strategy, the data and its split, and
 * last the backend, proven by a trial step in a worker. Only after all of them is the experiment written.
 */
import { createStrategy } from '../../controller/index.js';
import { infoOf } from '../../data/index.js';
import { ConfigError, NasError } from '../../errors.js';
import { bindSpace } from '../../space/index.js';
import type { DecisionProcess, ProblemSpec } from '../../space/types.js';
import type { RunOptions, SearchConfig } from '../options/index.js';
import { checkGpuBackend, proveBackend, type BackendInUse } from './backend.js';
import { checkData, type SplitSizes } from './data.js';
import { checkDatabaseTarget } from './output.js';

export type { BackendInUse } from './backend.js';
export { checkData, type SplitSizes } from './data.js';
export { checkDatabaseTarget } from './output.js';

export interface PreflightOptions {
  dbFile: string;
  /** Whether trials train in the trainer's pool; false under the fake evaluator or an evaluator the caller gives. */
  trains: boolean;
}

export interface Preflight {
  problem: ProblemSpec;
  process: DecisionProcess;
  split: SplitSizes;
  /** The pool, its backend proven, when the trials train in it. */
  proven?: { pool: Awaited<ReturnType<typeof proveBackend>>['pool']; backend: BackendInUse };
}

export async function preflight(config: SearchConfig, run: RunOptions, options: PreflightOptions): Promise<Preflight> {
  checkDatabaseTarget(options.dbFile);
  const problem = problemOf(config);
  const process = bindSpace(config.spaceDefinition, problem);
  checkStrategy(config, process);
  checkGpuBackend(config.backend, run.gpus);
  // The fake evaluator trains nothing: it needs no files, but the split must still fit the data's published size.
  const split = await checkData(config, { fetch: options.trains });
  if (!options.trains) return { problem, process, split };
  return { problem, process, split, proven: await proveBackend(config, run) };
}

export function problemOf(config: SearchConfig): ProblemSpec {
  const info = infoOf(config);
  const problem: ProblemSpec = { input: info.inputShape, classes: info.numClasses };
  if (config.maxParams !== undefined) problem.maxParams = config.maxParams;
  if (config.maxMacs !== undefined) problem.maxMacs = config.maxMacs;
  return problem;
}

/** Builds the strategy once and drops it; what its construction throws that is not a NasError is a bad option. */
export function checkStrategy(config: Pick<SearchConfig, 'strategy' | 'seed' | 'strategyOptions'>, process: DecisionProcess): void {
  let strategy;
  try {
    strategy = createStrategy(config.strategy, { process, seed: config.seed, options: config.strategyOptions });
  } catch (error) {
    if (error instanceof NasError) throw error;
    const options = JSON.stringify(config.strategyOptions ?? {});
    throw new ConfigError(`the ${config.strategy} strategy cannot be built with --controller-options ${options}: ${firstLine(error)}`);
  }
  strategy.dispose();
}

function firstLine(error: unknown): string {
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return text.split('\n')[0]!.trim();
}
