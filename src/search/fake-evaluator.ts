import { archHash, inferCost } from '../space/index.js';
import type { Shape3 } from '../space/types.js';
import type { EpochMetrics, RunHooks, TrainJob, TrainOutcome } from '../trainer/types.js';
import type { Evaluator } from './types.js';

export const FAKE_EVALUATOR_ENV = 'NAS_TEST_EVALUATOR';

/**
 * A stand-in for the trainer, for tests and crash drills only: the "accuracy" of an ARCH is a fixed function
 * of its parameter count and canonical hash, so rewards are deterministic and a search runs in milliseconds.
 * Each epoch takes `epochMs`, reports through the hooks, and can be pruned or cancelled like a real trial.
 */
export function createFakeEvaluator(problem: { input: Shape3; classes: number }, epochMs = 0): Evaluator {
  return {
    async run(job: TrainJob, hooks: RunHooks = {}): Promise<TrainOutcome> {
      const params = inferCost(job.arch, problem.input, problem.classes).params;
      const final = fakeAccuracy(archHash(job.arch), params);
      const history: EpochMetrics[] = [];
      for (let epoch = 1; epoch <= job.hyper.epochs; epoch++) {
        await sleep(epochMs, hooks.signal);
        if (hooks.signal?.aborted) return { ok: false, cause: 'error', error: 'aborted', worker: 'fake' };
        const valAcc = final * Math.sqrt(epoch / job.hyper.epochs);
        const metrics = { epoch, trainLoss: 1 - valAcc, trainAcc: valAcc, valLoss: 1 - valAcc, valAcc, seconds: epochMs / 1000 };
        history.push(metrics);
        if ((await hooks.onEpoch?.(metrics)) === 'prune') return { ok: true, result: resultOf('pruned', history, params), worker: 'fake' };
      }
      return { ok: true, result: resultOf('completed', history, params), worker: 'fake' };
    },
    async close() {},
  };
}

/** In (0.2, 0.95): grows with log(params), plus a hash-derived offset so that equal sizes still differ. */
export function fakeAccuracy(hash: string, params: number): number {
  const noise = parseInt(hash.slice(0, 8), 16) / 0xffffffff;
  const size = Math.min(1, Math.log10(Math.max(10, params)) / 7);
  return 0.2 + 0.6 * size + 0.15 * noise;
}

function resultOf(status: 'completed' | 'pruned', history: EpochMetrics[], params: number) {
  const last = history[history.length - 1]!;
  return {
    status,
    history,
    valAcc: last.valAcc,
    valLoss: last.valLoss,
    trainAcc: last.trainAcc,
    epochs: history.length,
    params,
    backend: 'fake',
    seconds: history.reduce((sum, m) => sum + m.seconds, 0),
    imagesPerSecond: 0,
  };
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (ms <= 0) return Promise.resolve();
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}
