import type { EpochReport, EpochVerdict } from '../evaluation/types.js';
import { describeCandidate } from '../space/index.js';
import { FINISHED_STATUSES, type TrialRecord, type TrialResult } from '../store/index.js';
import type { RunContext } from './context.js';
import { trialResult } from './outcome.js';

/** How a trial ends up: its result, or null when the search stopped before it had one. */
export type Settled = TrialResult | null;

/**
 * Evaluates one trial: takes its lease (waiting while another live process holds it), evaluates it with
 * per-epoch records and pruning, and progress events inside epochs, and maps the outcome to its result.
 * Returns null when the search stopped first; after Ctrl-C the trial goes back to the queue.
 */
export async function runTrial(ctx: RunContext, queued: TrialRecord): Promise<Settled> {
  const taken = await take(ctx, queued);
  if (taken === null || 'finishedElsewhere' in taken) return taken && storedResult(taken.finishedElsewhere);
  const { deps, stops } = ctx;
  const candidate = deps.process.decode(taken.decisions);
  ctx.emit({
    type: 'trial-start',
    seq: taken.seq,
    trialId: taken.id,
    arch: describeCandidate(candidate),
    hash: taken.hash,
    params: taken.params,
    epochs: taken.budget.epochs,
    attempt: taken.attempts,
  });
  ctx.kill('start');
  const started = Date.now();
  const outcome = await deps.evaluator.evaluate(
    { trialId: taken.id, seq: taken.seq, candidate, budget: { ...deps.budget, epochs: taken.budget.epochs }, seed: taken.budget.seed, attempt: taken.attempts },
    {
      onEpoch: (report) => onEpoch(ctx, taken, report),
      onProgress: (report) => ctx.emit({ type: 'progress', seq: taken.seq, trialId: taken.id, progress: ctx.progress.now(), ...report }),
      signal: stops.cancelled,
    },
  );
  // A Ctrl-C reaches the workers too: let our own signal handler run before judging a failed trial.
  if (outcome.status === 'failed') await new Promise((resolve) => setImmediate(resolve));
  if (ctx.broken) return null;
  if (stops.reason === 'interrupted') {
    deps.store.trials.release(taken.id, ctx.leases.holder);
    return null;
  }
  const seconds = (Date.now() - started) / 1000;
  const result = trialResult(taken, outcome, seconds, deps.policies.reward, deps.policies.failures.reward);
  const stopMessage = deps.policies.failures.observe(result);
  if (stopMessage !== null) stops.stop('failures', stopMessage);
  return result;
}

/** The result another process committed for a trial of this batch (while this one waited on its lease). */
function storedResult(trial: TrialRecord): TrialResult {
  const { status, reward, valAcc, valLoss, trainAcc, params, epochsRun, durationSeconds, backend, worker, error, duplicateOf } = trial;
  return { status: status as TrialResult['status'], reward: reward ?? 0, valAcc, valLoss, trainAcc, params, epochsRun, durationSeconds, backend, worker, error, duplicateOf };
}

/** The trial, now running under this search's lease; or a result another process committed; or null (stopped). */
async function take(ctx: RunContext, trial: TrialRecord): Promise<TrialRecord | { finishedElsewhere: TrialRecord } | null> {
  const { store } = ctx.deps;
  for (;;) {
    if (ctx.broken || ctx.stops.shouldStop()) return null;
    const taken = store.trials.acquire(trial.id, ctx.leases.holder, ctx.leases.ttlMs);
    if (taken) return taken;
    const now = store.trials.byId(trial.id);
    if (now && FINISHED_STATUSES.includes(now.status)) return { finishedElsewhere: now };
    await new Promise((resolve) => setTimeout(resolve, ctx.leases.pollMs));
  }
}

function onEpoch(ctx: RunContext, trial: TrialRecord, report: EpochReport): EpochVerdict {
  const { store, policies } = ctx.deps;
  store.trials.recordEpoch(trial.id, report);
  const epochs = trial.budget.epochs;
  ctx.emit({ type: 'epoch', seq: trial.seq, trialId: trial.id, epochs, progress: ctx.progress.now(), ...report });
  ctx.kill('epoch');
  if (report.epoch >= epochs) return 'continue';
  const history = {
    valAccAtEpoch: (epoch: number, beforeBatch: number) => store.trials.valAccAtEpoch(trial.experimentId, epoch, beforeBatch),
    valAccReached: (epoch: number, beforeBatch: number) => store.trials.valAccAtEpoch(trial.experimentId, epoch, beforeBatch, ['completed', 'pruned']),
  };
  return policies.pruner.shouldPrune({ seq: trial.seq, batch: trial.batch, epochs }, report, history) ? 'prune' : 'continue';
}
