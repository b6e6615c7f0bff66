import type { RunArgs } from './derived.js';
import { checkOption, fixedDefault } from './spec.js';
import { optionSpec } from './table.js';

/** Choices of one run of an experiment that do not change its results; never stored. */
export interface RunOptions {
  /** Trials trained at once: --concurrency, or one per GPU. */
  concurrency: number;
  /** wasm threads in each worker. */
  threads: number;
  /** One worker per GPU (CUDA_VISIBLE_DEVICES); absent: workers on the CPU. */
  gpus?: string[];
  /** Stop launching trials after this many seconds of this run; running ones finish. */
  timeLimitSeconds?: number;
}

export type RunOptionArgs = Partial<Pick<RunArgs, 'concurrency' | 'threads' | 'gpus' | 'timeLimitSeconds'>>;

/**
 * Checks the run options and fills in their defaults. `defaultThreads` shares the machine's cores out
 * between the workers (the trainer's threadsPerWorker); it is a parameter so that options never load the trainer.
 */
export function resolveRunOptions(args: RunOptionArgs, defaultThreads: (concurrency: number) => number): RunOptions {
  const concurrencySpec = optionSpec('concurrency');
  const checkedConcurrency = checkOption(concurrencySpec, args.concurrency ?? fixedDefault(concurrencySpec));
  const concurrency = args.gpus?.length ? args.gpus.length : checkedConcurrency;
  const threads = args.threads === undefined ? defaultThreads(concurrency) : checkOption(optionSpec('threads'), args.threads);
  const run: RunOptions = { concurrency, threads };
  if (args.timeLimitSeconds !== undefined) run.timeLimitSeconds = checkOption(optionSpec('timeLimitSeconds'), args.timeLimitSeconds);
  if (args.gpus?.length) run.gpus = checkOption(optionSpec('gpus'), args.gpus);
  return run;
}
