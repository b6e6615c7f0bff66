import { archHash, inferCost } from '../space/index.js';
import type { Shape3 } from '../space/types.js';
import { ProgressMeter } from '../trainer/train/progress.js';
import type { EvaluationHooks, EvaluationOutcome, EvaluationRequest, Evaluator, OutcomeMetrics } from './types.js';

/**
 * A stand-in for training, for tests and crash drills only (not exported from src/evaluation): the "accuracy"
 * of an ARCH is a fixed function of its parameter count and canonical hash, so rewards are deterministic and
 * a search runs in milliseconds. Each epoch takes `epochMs` in FAKE_STEPS steps, reports its progress and its end
 * through the hooks, and can be pruned or cancelled like a real trial.
 */
export function createFakeEvaluator(problem: { input: Shape3; classes: number }, epochMs = 0): Evaluator {
  return {
    async evaluate(request: EvaluationRequest, hooks: EvaluationHooks = {}): Promise<EvaluationOutcome> {
      if (request.candidate.kind !== 'arch') return { status: 'failed', error: 'error: the fake scores layer ARCHs only', worker: 'fake' };
      const arch = request.candidate.arch;
      const params = inferCost(arch, problem.input, problem.classes).params;
      const final = fakeAccuracy(archHash(arch), params);
      const epochs = request.budget.epochs;
      let last: OutcomeMetrics | undefined;
      const meter = new ProgressMeter(FAKE_STEPS, FAKE_STEPS * FAKE_BATCH);
      for (let epoch = 1; epoch <= epochs; epoch++) {
        if (!(await fakeEpoch(meter, epoch, epochs, epochMs, hooks))) return { status: 'failed', error: 'error: aborted', worker: 'fake' };
        const valAcc = final * Math.sqrt(epoch / epochs);
        const report = { epoch, trainLoss: 1 - valAcc, trainAcc: valAcc, valLoss: 1 - valAcc, valAcc, seconds: epochMs / 1000 };
        last = { valAcc, valLoss: 1 - valAcc, trainAcc: valAcc, params, epochsRun: epoch, backend: 'fake' };
        if ((await hooks.onEpoch?.(report)) === 'prune') return { status: 'pruned', metrics: last, worker: 'fake' };
      }
      return { status: 'completed', metrics: last!, worker: 'fake' };
    },
    async close() {},
  };
}

const FAKE_STEPS = 10;
const FAKE_BATCH = 32;

/** Sleeps through one epoch's steps, reporting progress; false when cancelled. */
async function fakeEpoch(meter: ProgressMeter, epoch: number, epochs: number, epochMs: number, hooks: EvaluationHooks): Promise<boolean> {
  meter.startEpoch();
  if (epochMs <= 0) return !hooks.signal?.aborted;
  for (let step = 1; step <= FAKE_STEPS; step++) {
    await sleep(epochMs / FAKE_STEPS, hooks.signal);
    if (hooks.signal?.aborted) return false;
    const progress = meter.step(epoch, epochs, FAKE_BATCH);
    if (progress) hooks.onProgress?.({ ...progress, backend: 'fake' });
  }
  return true;
}

/** In (0.2, 0.95): grows with log(params), plus a hash-derived offset so that equal sizes still differ. */
export function fakeAccuracy(hash: string, params: number): number {
  const noise = parseInt(hash.slice(0, 8), 16) / 0xffffffff;
  const size = Math.min(1, Math.log10(Math.max(10, params)) / 7);
  return 0.2 + 0.6 * size + 0.15 * noise;
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
