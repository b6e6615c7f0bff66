/**
 * One run of one job on a worker: the trial is evaluated by the local evaluator (training in the trainer's
 * worker processes, never on this event loop, which renews the job's lock); each epoch is written to the job's
 * epoch log and reported on the experiment's stream, and the run waits for the orchestrator's verdict before the
 * next one; the result is reported and returned (BullMQ stores it as the job's return value).
 */
import type { Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { EpochReport, EvaluationOutcome, EvaluationRequest, Evaluator } from '../evaluation/types.js';
import { keys, newRunId } from './keys.js';
import type { JobResult, UpMessage } from './protocol.js';
import type { ValidJob } from './validate.js';
import { VerdictWaiter } from './verdicts.js';

/** Why a run stopped before its result: Ctrl-C on the worker, its lock lost, the trial settled by another run, or BullMQ cancelled it. */
export type StopReason = 'handback' | 'lock-lost' | 'settled' | 'cancelled';

export interface ActiveRun {
  job: ValidJob;
  run: string;
  epoch: number;
  since: number;
  controller: AbortController;
}

export interface WorkerContext {
  redis: Redis;
  /** The worker's name, which prefixes the outcome's `worker` (e.g. 'lab1/w0#1'). */
  name: string;
  orphanMs: number;
  evaluatorFor: (job: ValidJob) => Evaluator;
  /** The runs in progress, by BullMQ job id. */
  active: Map<string, ActiveRun>;
  /** Called when a run starts or ends (the worker's heartbeat record shows them). */
  changed: () => void;
}

/** Thrown when the run was stopped by Ctrl-C: the worker hands the job back to the queue. */
export class HandBack extends Error {}

const PROGRESS_EVERY_MS = 1000;
/** The report stream is a notification channel: capped, never the record of anything. */
const STREAM_CAP = 100_000;

export async function runJob(ctx: WorkerContext, job: ValidJob, bull: Job, cancel?: AbortSignal): Promise<JobResult> {
  if ((await ctx.redis.exists(keys.settled(job.id))) > 0) return { skipped: 'the trial already had its result' };
  const run = newRunId();
  const controller = new AbortController();
  const entry: ActiveRun = { job, run, epoch: 0, since: Date.now(), controller };
  const onCancel = (): void => controller.abort('cancelled');
  cancel?.addEventListener('abort', onCancel, { once: true });
  ctx.active.set(bull.id!, entry);
  ctx.changed();
  const waiter = new VerdictWaiter(ctx.redis, job, run, controller, ctx.orphanMs);
  try {
    await send(ctx.redis, job, { kind: 'start', job: job.id, run, worker: ctx.name });
    const epochs: EpochReport[] = [];
    let progressAt = 0;
    const outcome = await ctx.evaluatorFor(job).evaluate(requestOf(job), {
      onEpoch: async (report) => {
        epochs.push(report);
        entry.epoch = report.epoch;
        await bull.updateProgress({ run, epochs });
        await send(ctx.redis, job, { kind: 'epoch', job: job.id, run, report });
        return report.epoch >= job.budget.epochs ? 'continue' : waiter.wait(report.epoch);
      },
      onProgress: (report) => {
        const now = Date.now();
        if (now - progressAt < PROGRESS_EVERY_MS) return;
        progressAt = now;
        send(ctx.redis, job, { kind: 'progress', job: job.id, run, report }).catch(() => undefined);
      },
      signal: controller.signal,
    });
    if (controller.signal.aborted) return stopped(controller.signal.reason as StopReason);
    const result = { run, worker: ctx.name, outcome: named(outcome, ctx.name), epochs };
    await send(ctx.redis, job, { kind: 'result', job: job.id, run, result });
    return result;
  } finally {
    waiter.close();
    cancel?.removeEventListener('abort', onCancel);
    ctx.active.delete(bull.id!);
    ctx.changed();
  }
}

function stopped(reason: StopReason): JobResult {
  if (reason === 'settled') return { skipped: 'another run of this job gave the result first' };
  if (reason === 'handback') throw new HandBack('handed back');
  throw new Error(reason === 'lock-lost' ? "this worker lost the job's lock (cut off from Redis): the queue runs it again" : 'the job was cancelled');
}

function requestOf(job: ValidJob): EvaluationRequest {
  return {
    trialId: job.trial.id,
    seq: job.trial.seq,
    candidate: { kind: 'arch', arch: job.arch },
    budget: job.budget,
    seed: job.seed,
    attempt: job.trial.attempt,
  };
}

/** The outcome's worker as `NAME/SLOT` (the trainer's slot, e.g. w0#1), so the trial row says which machine trained it. */
function named(outcome: EvaluationOutcome, name: string): EvaluationOutcome {
  return { ...outcome, worker: outcome.worker ? `${name}/${outcome.worker}` : name };
}

async function send(redis: Redis, job: ValidJob, message: UpMessage): Promise<void> {
  await redis.xadd(keys.up(job.experiment.key), 'MAXLEN', '~', STREAM_CAP, '*', 'm', JSON.stringify(message));
}
