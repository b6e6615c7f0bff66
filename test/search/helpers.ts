import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createFakeEvaluator, startSearch, type Evaluator, type SearchEvent, type SearchOptions, type SearchRequest } from '../../src/search/index.js';
import type { Shape3 } from '../../src/space/types.js';
import { Store, type TrialRecord } from '../../src/store/index.js';
import type { TrainJob } from '../../src/trainer/types.js';
import { shippedFile } from '../../src/util/paths.js';

export const TINY_SPACE = shippedFile('test', 'fixtures', 'tiny-space.json');

export function tmpDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'nas-search-'));
}

/** A fake evaluator that records every job it trains and finishes in a random order (timing must not matter). */
export function recordingEvaluator(
  problem: { input: Shape3; classes: number },
  options: { jitterMs?: number; epochMs?: number; fail?: (job: TrainJob) => boolean } = {},
): Evaluator & { readonly trained: string[]; jobs: TrainJob[] } {
  const inner = createFakeEvaluator(problem, options.epochMs ?? 0);
  const jobs: TrainJob[] = [];
  return {
    /** The ARCHs trained, as JSON, in order. */
    get trained() {
      return jobs.map((job) => JSON.stringify(job.arch));
    },
    jobs,
    async run(job, hooks) {
      jobs.push(job);
      await new Promise((resolve) => setTimeout(resolve, Math.random() * (options.jitterMs ?? 0)));
      if (options.fail?.(job)) return { ok: false, cause: 'crash', error: 'the worker was killed by SIGSEGV', worker: 'fake' };
      return inner.run(job, hooks);
    },
    close: () => inner.close(),
  };
}

export interface SearchRun {
  events: SearchEvent[];
  summary: Awaited<ReturnType<typeof startSearch>>;
  evaluator: ReturnType<typeof recordingEvaluator>;
}

/** `nas search` in-process on the synthetic dataset and the tiny space, with a fake evaluator. */
export async function search(
  dbFile: string,
  options: Partial<SearchOptions> = {},
  request: Partial<SearchRequest> = {},
  evaluatorOptions: Parameters<typeof recordingEvaluator>[1] = {},
): Promise<SearchRun> {
  const events: SearchEvent[] = [];
  let evaluator: ReturnType<typeof recordingEvaluator> | undefined;
  const summary = await startSearch({
    options: { dataset: 'synthetic', space: TINY_SPACE, strategy: 'reinforce', controllerBatch: 4, trials: 12, epochs: 2, ...options },
    resume: false,
    dbFile,
    concurrency: 2,
    onEvent: (event) => events.push(event),
    createEvaluator: (problem) => (evaluator = recordingEvaluator(problem, evaluatorOptions)),
    ...request,
  });
  return { events, summary, evaluator: evaluator! };
}

export function storedTrials(dbFile: string, experiment?: string): TrialRecord[] {
  const store = Store.open(dbFile, { create: false });
  try {
    return store.trials.list(store.findExperiment(experiment).id);
  } finally {
    store.close();
  }
}

export function hashes(trials: TrialRecord[]): string[] {
  return trials.map((t) => t.hash);
}
