import type { Arch } from '../../space/types.js';
import type { EvaluationHooks, EvaluationOutcome, EvaluationRequest, Evaluator } from '../types.js';
import type { SharedSession } from './session.js';

/** Where the shared weights are kept between trials: each checkpoint is the state after a trial's training. */
export interface CheckpointSlot {
  /** The latest checkpoint saved after a trial before `seq` (by sequence number), if any. */
  before(seq: number): { afterSeq: number; state: Uint8Array } | undefined;
  save(afterSeq: number, steps: number, state: Uint8Array): void;
}

export interface SharedEvaluatorSettings {
  /** Training steps of the shared weights along each proposal's path, after it is scored. */
  stepsPerTrial: number;
  /** Steps along a proposal's path alone before it is scored; undone after the score. */
  tuneSteps: number;
  /** Steps along uniformly drawn paths before the first proposal is scored. */
  warmupSteps: number;
  /** A uniformly drawn path of the space; `key` seeds the draw. */
  samplePath: (key: string) => Arch;
  backend: string | null;
}

const WARMUP_CHUNK = 25;

/**
 * ENAS's alternation behind the evaluation contract. A proposal is scored after `tuneSteps` steps along its path
 * alone from the shared weights as they stand, steps then undone (its batch norm calibrated first); then the shared
 * weights train `stepsPerTrial` steps along its path. The paths that train the weights are the proposals the strategy
 * draws (the policy's for REINFORCE, uniform ones for random search: RSPS). Trials run one at a time, in sequence
 * order; after each, the weights, the optimiser's moments and the step count are saved, so a trial evaluated again
 * after a crash starts from the state before it, as it did the first time.
 */
export function createSharedEvaluator(session: SharedSession, settings: SharedEvaluatorSettings, checkpoints: CheckpointSlot): Evaluator {
  let lastSeq: number | undefined;
  const bringTo = (seq: number): void => {
    if (lastSeq !== undefined && lastSeq < seq) return;
    const saved = checkpoints.before(seq);
    if (saved) session.restore(saved.state);
    else session.reset();
    lastSeq = saved?.afterSeq ?? 0;
  };
  return {
    async evaluate(request: EvaluationRequest, hooks = {}): Promise<EvaluationOutcome> {
      if (request.candidate.kind !== 'arch') return { status: 'failed', error: 'error: the shared-weight evaluator scores layer ARCHs only', worker: null };
      const arch = request.candidate.arch;
      try {
        bringTo(request.seq);
        await warmUp(session, settings, hooks);
        const score = session.scoreTuned(arch, request.seed, settings.tuneSteps);
        const trained = session.train(arch, settings.stepsPerTrial);
        checkpoints.save(request.seq, session.stepsDone, session.save());
        lastSeq = request.seq;
        const metrics = { valAcc: score.valAcc, valLoss: score.valLoss, trainAcc: trained.accuracy, params: null, epochsRun: 0, backend: settings.backend };
        if (!Number.isFinite(score.valLoss) || !Number.isFinite(trained.loss)) {
          return { status: 'failed', error: 'the shared weights diverged (a non-finite loss)', worker: null, metrics };
        }
        return { status: 'completed', metrics, worker: null };
      } catch (error) {
        if (hooks.signal?.aborted) return { status: 'failed', error: 'interrupted', worker: null };
        lastSeq = undefined; // the session may be half-way through a step: start again from the checkpoint
        return { status: 'failed', error: `error: ${(error as Error).message}`, worker: null };
      }
    },
    async close() {
      session.dispose();
    },
  };
}

/** The steps along uniformly drawn paths before the first score, in chunks, with progress (they take minutes). */
async function warmUp(session: SharedSession, settings: SharedEvaluatorSettings, hooks: EvaluationHooks): Promise<void> {
  const started = performance.now();
  const firstStep = session.stepsDone;
  while (session.stepsDone < settings.warmupSteps) {
    hooks.signal?.throwIfAborted();
    const steps = Math.min(WARMUP_CHUNK, settings.warmupSteps - session.stepsDone);
    session.train(settings.samplePath(`warmup:${session.stepsDone}`), steps);
    const seconds = (performance.now() - started) / 1000;
    const perStep = seconds / (session.stepsDone - firstStep);
    const left = (settings.warmupSteps - session.stepsDone) * perStep;
    hooks.onProgress?.({
      epoch: 1,
      epochs: 1,
      batch: session.stepsDone,
      batches: settings.warmupSteps,
      images: session.stepsDone * session.batchSize,
      epochImages: settings.warmupSteps * session.batchSize,
      imagesPerSecond: session.batchSize / perStep,
      elapsedSeconds: seconds,
      epochEtaSeconds: left,
      runEtaSeconds: left,
      backend: settings.backend,
    });
    await new Promise((resolve) => setImmediate(resolve));
  }
}
