import os from 'node:os';
import type { RunArgs } from './derived.js';
import { checkOption, fixedDefault } from './spec.js';
import { optionSpec } from './table.js';

/** Choices of one run of an experiment that do not change its results; never stored. */
export interface RunOptions {
  /** Trials trained at once: --concurrency (at most the cores), or one per GPU. */
  concurrency: number;
  /** wasm threads in each worker. */
  threads: number;
  /** One worker per GPU (CUDA_VISIBLE_DEVICES); absent: workers on the CPU. */
  gpus?: string[];
  /** Stop launching trials after this many seconds of this run; running ones finish. */
  timeLimitSeconds?: number;
  /** Send the trials to `nas worker`s through this queue (a redis:// URL); --concurrency is then the trials queued at once. */
  queue?: string;
}

export type RunOptionArgs = Partial<Pick<RunArgs, 'concurrency' | 'threads' | 'gpus' | 'timeLimitSeconds' | 'name' | 'queue'>>;

/** What the concurrency cap needs from the machine; a parameter so that tests can pose as any machine. */
export interface Machine {
  cores: number;
  warn: (message: string) => void;
}

const THIS_MACHINE: Machine = {
  cores: os.availableParallelism(),
  warn: (message) => process.stderr.write(`nas: warning: ${message}\n`),
};

/**
 * Checks the run options and fills in their defaults. `defaultThreads` shares the machine's cores out
 * between the workers (the trainer's threadsPerWorker); it is a parameter so that options never load the trainer.
 * The name is only checked here: the experiment's plan decides it.
 */
export function resolveRunOptions(args: RunOptionArgs, defaultThreads: (concurrency: number) => number, machine: Machine = THIS_MACHINE): RunOptions {
  if (args.name !== undefined) checkOption(optionSpec('name'), args.name);
  const concurrencySpec = optionSpec('concurrency');
  const asked = checkOption(concurrencySpec, args.concurrency ?? fixedDefault(concurrencySpec));
  const gpus = args.gpus?.length ? checkOption(optionSpec('gpus'), args.gpus) : undefined;
  const queue = args.queue === undefined ? undefined : checkOption(optionSpec('queue'), args.queue);
  // Through a queue, the trials train on the workers' machines: this one's cores are no cap.
  const concurrency = queue === undefined ? cappedConcurrency(asked, gpus, machine) : asked;
  const threads = args.threads === undefined ? defaultThreads(concurrency) : checkOption(optionSpec('threads'), args.threads);
  const run: RunOptions = { concurrency, threads };
  if (args.timeLimitSeconds !== undefined) run.timeLimitSeconds = checkOption(optionSpec('timeLimitSeconds'), args.timeLimitSeconds);
  if (gpus) run.gpus = gpus;
  if (queue !== undefined) run.queue = queue;
  return run;
}

/**
 * One worker per GPU given; on the CPU, at most one per core. More workers than that only slow each other
 * down (and each holds a copy of the data), while the best value depends on the machine: so a higher
 * --concurrency is capped with a warning rather than refused, and the same command works on every machine.
 */
function cappedConcurrency(asked: number, gpus: string[] | undefined, machine: Machine): number {
  if (gpus) {
    if (asked > gpus.length) machine.warn(`--concurrency ${asked} is more than the ${gpus.length} GPU(s) given with --gpus: one worker per GPU, ${gpus.length} in all`);
    return gpus.length;
  }
  const cores = Math.max(1, machine.cores);
  if (asked <= cores) return asked;
  machine.warn(`--concurrency ${asked} is more than the ${cores} cores of this machine: capped at ${cores} workers (more would only slow each other down)`);
  return cores;
}
