import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startSearch, type SearchRequest } from '../../src/app/index.js';
import type { SearchOptions } from '../../src/app/options/index.js';
import { createFakeEvaluator } from '../../src/evaluation/fake.js';
import type { EvaluationRequest, Evaluator } from '../../src/evaluation/types.js';
import type { SearchEvent } from '../../src/search/index.js';
import type { Shape3 } from '../../src/space/types.js';
import { Store, type TrialRecord } from '../../src/store/index.js';
import { shippedFile } from '../../src/util/paths.js';

export const TINY_SPACE = shippedFile('test', 'fixtures', 'tiny-space.json');

export function tmpDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'nas-search-'));
}

/** A fake evaluator that records every request it scores and finishes in a random order (timing must not matter). */
export function recordingEvaluator(
  problem: { input: Shape3; classes: number },
  options: { jitterMs?: number; epochMs?: number; fail?: (request: EvaluationRequest) => boolean } = {},
): Evaluator & { readonly trained: string[]; requests: EvaluationRequest[] } {
  const inner = createFakeEvaluator(problem, options.epochMs ?? 0);
  const requests: EvaluationRequest[] = [];
  return {
    /** The ARCHs trained, as JSON, in order. */
    get trained() {
      return requests.map((request) => JSON.stringify(request.candidate.arch));
    },
    requests,
    async evaluate(request, hooks) {
      requests.push(request);
      await new Promise((resolve) => setTimeout(resolve, Math.random() * (options.jitterMs ?? 0)));
      if (options.fail?.(request)) return { status: 'failed', error: 'crash: the worker was killed by SIGSEGV', worker: 'fake' };
      return inner.evaluate(request, hooks);
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
