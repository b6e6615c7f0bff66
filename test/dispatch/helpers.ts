import { QueueDispatcher, type QueueEvaluatorOptions } from '../../src/dispatch/dispatcher.js';
import { experimentKey } from '../../src/dispatch/keys.js';
import { startWorker, type WorkerHandle, type WorkerOptions } from '../../src/dispatch/worker.js';
import { createFakeEvaluator } from '../../src/evaluation/fake.js';
import type { EpochReport, EpochVerdict, EvaluationHooks, EvaluationRequest } from '../../src/evaluation/types.js';
import { parseArch } from '../../src/space/index.js';

/** A layer ARCH that fits the synthetic dataset (16x16x1, 4 classes). */
export const ARCH = parseArch([{ type: 'C', num_output: 4, kernel_size: 3, stride: 1, activation: 'relu' }]);

export function trialRequest(trialId: number, options: { attempt?: number; epochs?: number; arch?: unknown } = {}): EvaluationRequest {
  return {
    trialId,
    seq: trialId,
    candidate: { kind: 'arch', arch: (options.arch ?? ARCH) as never },
    budget: { epochs: options.epochs ?? 3 },
    seed: 100 + trialId,
    attempt: options.attempt ?? 1,
  };
}

/** A dispatcher of experiment `name` on `url`, its notices collected. */
export function dispatcher(url: string, name = 'exp', options: Partial<QueueEvaluatorOptions> = {}): QueueDispatcher & { notices: string[] } {
  const notices: string[] = [];
  const evaluator = new QueueDispatcher({
    url,
    experiment: { key: experimentKey({ name, id: 1, createdAt: '2026-01-01T00:00:00.000Z' }), name },
    training: { dataset: 'synthetic', valFraction: 0.2, splitSeed: 1, batchSize: 32, learningRate: 0.001, optimizer: 'adam' },
    pollMs: 100,
    onNotice: (message) => notices.push(message),
    ...options,
  });
  return Object.assign(evaluator, { notices });
}

/** A worker whose trials are the fake evaluator's (`epochMs` per epoch), its log lines and evaluations collected. */
export function fakeWorker(
  url: string,
  name: string,
  options: Partial<WorkerOptions> & { epochMs?: number } = {},
): WorkerHandle & { lines: string[]; evaluations: EvaluationRequest[] } {
  const lines: string[] = [];
  const evaluations: EvaluationRequest[] = [];
  const handle = startWorker({
    url,
    name,
    concurrency: 1,
    backend: 'fake',
    gpus: [],
    // Long enough that a loaded machine never takes a live worker for dead (no test here needs a lock to expire).
    lockMs: 5000,
    evaluatorFor: (job) => {
      const fake = createFakeEvaluator(job.problem, options.epochMs ?? 0);
      return { evaluate: (request, hooks) => (evaluations.push(request), fake.evaluate(request, hooks)), close: async () => undefined };
    },
    log: (line) => lines.push(line),
    ...options,
  });
  return Object.assign(handle, { lines, evaluations });
}

/** Hooks that record the epochs the search saw, and prune at `pruneAt`. */
export function recordingHooks(pruneAt?: number): EvaluationHooks & { epochs: EpochReport[] } {
  const epochs: EpochReport[] = [];
  return {
    epochs,
    onEpoch: (report): EpochVerdict => {
      epochs.push(report);
      return report.epoch === pruneAt ? 'prune' : 'continue';
    },
  };
}

export async function until(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 90_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
