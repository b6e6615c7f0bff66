/**
 * What travels through Redis: a trial job (orchestrator -> worker, as BullMQ job data), the messages a worker
 * reports on the experiment's stream, the epoch log it keeps in the job's progress, and the job's return
 * value. Everything is JSON and is checked on arrival: jobs by the worker (validate.ts), messages and results
 * by the orchestrator (here): data from another machine is never trusted to have any shape.
 */
import { escapeControls } from '../checks.js';
import type { TrainingSettings } from '../evaluation/training.js';
import type { BatchReport, EpochReport, EvaluationBudget, EvaluationOutcome, OutcomeMetrics } from '../evaluation/types.js';

export const PROTOCOL_VERSION = 1;

/** The experiment-wide training settings a job carries (the worker's own --data-dir and --backend apply). */
export interface JobTraining {
  dataset: string;
  labelMode?: string;
  valFraction: number;
  splitSeed: number;
  batchSize: number;
  learningRate: number;
  optimizer: 'adam' | 'sgd';
  /** Absent in the jobs of an orchestrator from before the option: constant. */
  schedule?: TrainingSettings['schedule'];
}

/** BullMQ job data: one attempt of one trial. */
export interface TrialJobData {
  v: typeof PROTOCOL_VERSION;
  experiment: { key: string; name: string };
  trial: { id: number; seq: number; attempt: number };
  /** The layer ARCH as JSON: data, parsed and validated by the worker before anything is built. */
  arch: unknown;
  budget: EvaluationBudget;
  seed: number;
  training: JobTraining;
}

/** Kept in the job's progress by the run that wrote last: every epoch it reported (a resumed orchestrator replays them). */
export interface EpochLog {
  run: string;
  epochs: EpochReport[];
}

/** The job's return value: the outcome with the epochs that led to it, or a run that found the trial settled. */
export type JobResult = { run: string; worker: string; outcome: EvaluationOutcome; epochs: EpochReport[] } | { skipped: string };

export type UpMessage =
  | { kind: 'start'; job: string; run: string; worker: string }
  | { kind: 'epoch'; job: string; run: string; report: EpochReport }
  | { kind: 'progress'; job: string; run: string; report: BatchReport }
  | { kind: 'result'; job: string; run: string; result: JobResult };

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const isText = (value: unknown): value is string => typeof value === 'string' && value.length > 0 && value.length <= 200;
const isCount = (value: unknown): value is number => Number.isInteger(value) && (value as number) >= 0;
const isNumberOrNull = (value: unknown): boolean => value === null || typeof value === 'number';

/** A stream message as sent by a worker, or null when it is not one (it is then ignored). */
export function parseUpMessage(text: string): UpMessage | null {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  if (!isObject(value) || !isText(value.job) || !isText(value.run)) return null;
  const { job, run } = value;
  switch (value.kind) {
    case 'start':
      return isText(value.worker) ? { kind: 'start', job, run, worker: printable(value.worker, 200) } : null;
    case 'epoch': {
      const report = epochReportOf(value.report);
      return report && { kind: 'epoch', job, run, report };
    }
    case 'progress': {
      const report = batchReportOf(value.report);
      return report && { kind: 'progress', job, run, report };
    }
    case 'result': {
      const result = jobResultOf(value.result);
      return result ? { kind: 'result', job: value.job, run: value.run, result } : null;
    }
    default:
      return null;
  }
}

/** An epoch report with the fields the search records (and nothing else), or null. */
export function epochReportOf(value: unknown): EpochReport | null {
  if (!isObject(value) || !Number.isInteger(value.epoch) || (value.epoch as number) < 1) return null;
  const fields = ['trainLoss', 'trainAcc', 'valLoss', 'valAcc', 'seconds'] as const;
  if (!fields.every((field) => isNumberOrNull(value[field]))) return null;
  const report = { epoch: value.epoch as number } as EpochReport;
  for (const field of fields) report[field] = value[field] as number;
  if (isCount(value.plannedEpochs)) report.plannedEpochs = value.plannedEpochs;
  return report;
}

const BATCH_FIELDS = ['epoch', 'epochs', 'batch', 'batches', 'images', 'epochImages', 'imagesPerSecond', 'elapsedSeconds', 'epochEtaSeconds', 'runEtaSeconds'] as const;

/** Progress inside an epoch, its numbers checked (it is printed), or null. */
function batchReportOf(value: unknown): BatchReport | null {
  if (!isObject(value) || !BATCH_FIELDS.every((field) => typeof value[field] === 'number' && Number.isFinite(value[field]))) return null;
  const report = { backend: typeof value.backend === 'string' ? printable(value.backend, 200) : null } as BatchReport;
  for (const field of BATCH_FIELDS) report[field] = value[field] as number;
  return report;
}

/** Text from another machine as it may be stored and printed: no control characters, bounded. */
function printable(text: string, max: number): string {
  return escapeControls(text.length > max ? `${text.slice(0, max)}...` : text);
}

/** A job's return value (or a result message's), checked; null when it has no usable shape. */
export function jobResultOf(value: unknown): JobResult | null {
  if (!isObject(value)) return null;
  if (isText(value.skipped)) return { skipped: value.skipped };
  if (!isText(value.run) || !isText(value.worker) || !Array.isArray(value.epochs)) return null;
  const epochs = value.epochs.map(epochReportOf);
  const outcome = outcomeOf(value.outcome);
  if (outcome === null || epochs.some((epoch) => epoch === null)) return null;
  return { run: value.run, worker: value.worker, outcome, epochs: epochs as EpochReport[] };
}

/** An epoch log from a job's progress; null when the job has none (yet). */
export function epochLogOf(value: unknown): EpochLog | null {
  if (!isObject(value) || !isText(value.run) || !Array.isArray(value.epochs)) return null;
  const epochs = value.epochs.map(epochReportOf);
  return epochs.some((epoch) => epoch === null) ? null : { run: value.run, epochs: epochs as EpochReport[] };
}

function outcomeOf(value: unknown): EvaluationOutcome | null {
  if (!isObject(value)) return null;
  const worker = typeof value.worker === 'string' ? printable(value.worker, 200) : null;
  if (value.status === 'failed') {
    if (typeof value.error !== 'string') return null;
    const error = printable(value.error, 4000);
    const metrics = metricsOf(value.metrics);
    return metrics ? { status: 'failed', error, worker, metrics } : { status: 'failed', error, worker };
  }
  if (value.status !== 'completed' && value.status !== 'pruned') return null;
  const metrics = metricsOf(value.metrics);
  return metrics && { status: value.status, metrics, worker };
}

function metricsOf(value: unknown): OutcomeMetrics | null {
  if (!isObject(value) || typeof value.valAcc !== 'number' || !isCount(value.epochsRun)) return null;
  if (!isNumberOrNull(value.valLoss) || !isNumberOrNull(value.trainAcc) || !isNumberOrNull(value.params)) return null;
  const backend = typeof value.backend === 'string' ? printable(value.backend, 200) : null;
  return { valAcc: value.valAcc, valLoss: value.valLoss as number | null, trainAcc: value.trainAcc as number | null, params: value.params as number | null, epochsRun: value.epochsRun, backend };
}

/**
 * In a job's failure reason: the failure is not the trial's (a worker gave the job up: no orchestrator answered
 * for too long), so a resumed orchestrator queues the trial again instead of failing it.
 */
export const REQUEUE_MARK = '[nas: requeue]';

export function isRequeueable(reason: string | undefined): boolean {
  return reason?.includes(REQUEUE_MARK) ?? false;
}

/** The trial's error when the queue gave up on its job: its workers kept dying, or its runs kept throwing. */
export function queueGaveUp(job: { id?: string; failedReason?: string; attemptsStarted?: number; stalledCounter?: number }): string {
  const reason = job.failedReason ?? 'no reason given';
  if (/stalled/i.test(reason)) {
    return `worker lost: the workers training this trial died or were cut off from Redis ${job.stalledCounter ?? '?'} times, and the queue gave up (${reason})`;
  }
  return `error: the queue gave up on job ${job.id ?? '?'} after ${job.attemptsStarted ?? 0} run(s): ${reason}`;
}
