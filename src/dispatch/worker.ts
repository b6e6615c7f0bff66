/**
 * `nas worker`'s engine: a BullMQ worker on the trials queue. Its event loop only talks to Redis (it renews the
 * jobs' locks); the trials train in the evaluator it is given (the trainer's worker processes). Every job is
 * validated before anything is built. Stopping: `drain()` takes no new job and lets the running ones finish;
 * `handBack()` stops them and puts their jobs back in the queue at once, for another worker.
 */
import os from 'node:os';
import { UnrecoverableError, WaitingError, Worker, type Job } from 'bullmq';
import type { Evaluator } from '../evaluation/types.js';
import { connect, describeError, redisOptions } from './connection.js';
import { newRunId, PREFIX, QUEUE_NAME } from './keys.js';
import type { JobResult, TrialJobData } from './protocol.js';
import { Registration, type WorkerRecord } from './registry.js';
import { HandBack, runJob, type ActiveRun, type WorkerContext } from './run-job.js';
import { InvalidJobError, validateJob, type ValidJob } from './validate.js';

export interface WorkerOptions {
  url: string;
  /** Shown by `nas workers` and in each trial's `worker` column. */
  name: string;
  /** Trials trained at once. */
  concurrency: number;
  /** What trains (the backend line) and on which GPUs, for `nas workers`. */
  backend: string;
  gpus: string[];
  /** BullMQ's job lock: a worker silent this long is taken for dead and its job runs elsewhere (default 30 s). */
  lockMs?: number;
  /** A run waiting on a verdict gives its job back after the orchestrator has been gone this long (default 10 min). */
  orphanMs?: number;
  evaluatorFor: (job: ValidJob) => Evaluator;
  /** One line per event worth a person's attention. */
  log: (line: string) => void;
}

export interface WorkerHandle {
  readonly id: string;
  /** Resolves once the worker has stopped and left the registry. */
  readonly closed: Promise<void>;
  drain(): Promise<void>;
  handBack(): Promise<void>;
}

const DEFAULT_LOCK_MS = 30_000;
const DEFAULT_ORPHAN_MS = 10 * 60_000;
/** Deaths of a trial's worker (lock expired) after which the queue gives up and the trial fails with the cause. */
export const MAX_STALLS = 2;

export function startWorker(options: WorkerOptions): WorkerHandle {
  const id = `${os.hostname()}-${process.pid}-${newRunId().slice(0, 6)}`;
  const lockMs = options.lockMs ?? DEFAULT_LOCK_MS;
  let state: WorkerRecord['state'] = 'running';
  let troubled = false;
  const trouble = (error: unknown): void => {
    if (troubled) return;
    troubled = true;
    options.log(`lost the queue's Redis (${describeError(error)}): reconnecting`);
  };
  const redis = connect(options.url, 'nas-worker', trouble);
  redis.on('ready', () => {
    if (troubled) options.log('reconnected to the queue');
    troubled = false;
  });
  const startedAt = Date.now();
  const active = new Map<string, ActiveRun>();
  const registration = new Registration(redis, () => recordOf(id, options, state, startedAt, active), trouble);
  const ctx: WorkerContext = {
    redis,
    name: options.name,
    orphanMs: options.orphanMs ?? DEFAULT_ORPHAN_MS,
    evaluatorFor: options.evaluatorFor,
    active,
    changed: () => registration.beat(),
  };

  const processor = async (bull: Job<TrialJobData, JobResult>, token?: string, signal?: AbortSignal): Promise<JobResult> => {
    let job: ValidJob;
    try {
      job = validateJob(bull.data);
    } catch (error) {
      if (!(error instanceof InvalidJobError)) throw error;
      options.log(`refused job ${bull.id}: ${error.message}`);
      throw new UnrecoverableError(error.message);
    }
    const label = `${job.experiment.name} trial #${job.trial.seq} (attempt ${job.trial.attempt})`;
    options.log(`${label}: started`);
    try {
      const result = await runJob(ctx, job, bull, signal);
      options.log(`${label}: ${'skipped' in result ? `skipped, ${result.skipped}` : summary(result.outcome)}`);
      return result;
    } catch (error) {
      if (!(error instanceof HandBack)) {
        options.log(`${label}: stopped: ${(error as Error).message}`);
        throw error;
      }
      await bull.moveToWait(token);
      options.log(`${label}: handed back to the queue`);
      throw new WaitingError();
    }
  };

  const worker = new Worker<TrialJobData, JobResult>(QUEUE_NAME, processor, {
    connection: redisOptions(options.url, 'nas-worker-queue'),
    prefix: PREFIX,
    name: options.name,
    concurrency: options.concurrency,
    lockDuration: lockMs,
    stalledInterval: Math.min(lockMs, DEFAULT_LOCK_MS),
    maxStalledCount: MAX_STALLS,
    autorun: false,
  });
  worker.on('error', trouble);
  // A lock that could not be renewed (cut off from Redis too long): the job is someone else's now; stop training it.
  worker.on('lockRenewalFailed', (jobIds: string[]) => {
    for (const jobId of jobIds) active.get(jobId)?.controller.abort('lock-lost');
  });

  const closed = (async () => {
    await worker.run();
  })().finally(async () => {
    await registration.stop(id);
    redis.disconnect();
  });

  const stop = async (next: WorkerRecord['state'], abortRuns: boolean): Promise<void> => {
    state = next;
    registration.beat();
    if (abortRuns) for (const run of active.values()) run.controller.abort('handback');
    await worker.close();
    await closed;
  };
  return {
    id,
    closed,
    drain: () => stop('draining', false),
    handBack: () => stop('handing back', true),
  };
}

function summary(outcome: { status: string; metrics?: { valAcc: number; epochsRun: number }; error?: string }): string {
  if (outcome.status === 'failed') return `failed: ${outcome.error}`;
  return `${outcome.status}, val_acc ${outcome.metrics!.valAcc.toFixed(4)} after ${outcome.metrics!.epochsRun} epoch(s)`;
}

function recordOf(id: string, options: WorkerOptions, state: WorkerRecord['state'], startedAt: number, active: Map<string, ActiveRun>): Omit<WorkerRecord, 'heartbeatAt'> {
  return {
    id,
    name: options.name,
    host: os.hostname(),
    pid: process.pid,
    backend: options.backend,
    gpus: options.gpus,
    concurrency: options.concurrency,
    state,
    startedAt,
    trials: [...active.values()].map(({ job, epoch, since }) => ({
      experiment: job.experiment.name,
      seq: job.trial.seq,
      trialId: job.trial.id,
      attempt: job.trial.attempt,
      epoch,
      epochs: job.budget.epochs,
      since,
    })),
  };
}
