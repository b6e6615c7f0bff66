/**
 * Every name nas uses in Redis. BullMQ keeps its queue under `nas:trials:*`; the rest is nas's own:
 * - `nas:x:EXP:up`: the stream on which workers report to the orchestrator of experiment EXP (start, epochs,
 *   progress, result). A notification channel only: what must survive is also in the job itself;
 * - `nas:x:EXP:jobs`: trial id -> the job that evaluates it (how a resumed orchestrator finds its jobs again);
 * - `nas:x:EXP:alive`: the orchestrator's heartbeat (a worker waiting on a verdict gives up when it is gone long);
 * - `nas:j:JOB:v:EPOCH`: the orchestrator's verdict on that epoch, 'continue' or 'prune';
 * - `nas:j:JOB:settled`: set once the orchestrator has the job's result (a duplicate run stops at once);
 * - `nas:r:RUN:wake`: pushed when a verdict for run RUN is set (the run blocks on it instead of polling);
 * - `nas:w:ID` and the set `nas:workers`: each worker's heartbeat record (`nas workers`).
 */
import crypto from 'node:crypto';

export const PREFIX = 'nas';
export const QUEUE_NAME = 'trials';

/** How long nas's own per-job keys live: far longer than a trial, short enough that nothing piles up. */
export const KEY_TTL_SECONDS = 7 * 24 * 3600;

export const keys = {
  up: (experiment: string) => `${PREFIX}:x:${experiment}:up`,
  jobs: (experiment: string) => `${PREFIX}:x:${experiment}:jobs`,
  alive: (experiment: string) => `${PREFIX}:x:${experiment}:alive`,
  verdict: (job: string, epoch: number) => `${PREFIX}:j:${job}:v:${epoch}`,
  settled: (job: string) => `${PREFIX}:j:${job}:settled`,
  wake: (run: string) => `${PREFIX}:r:${run}:wake`,
  worker: (id: string) => `${PREFIX}:w:${id}`,
  workers: `${PREFIX}:workers`,
};

/**
 * A job's id names the experiment, the trial and the attempt: `EXP-tTRIAL-aATTEMPT` (BullMQ refuses ':' and
 * plain integers in custom ids). The same id is the job's identity in every message and key.
 */
export function jobIdOf(experiment: string, trialId: number, attempt: number): string {
  return `${experiment}-t${trialId}-a${attempt}`;
}

/**
 * The experiment's key in Redis: from its name, id and creation time, so that two databases (or two
 * experiments of one name, one deleted) sharing a Redis never share keys.
 */
export function experimentKey(experiment: { name: string; id: number; createdAt: string }): string {
  return crypto.createHash('sha256').update(`${experiment.name}\0${experiment.id}\0${experiment.createdAt}`).digest('hex').slice(0, 16);
}

export const EXPERIMENT_KEY = /^[0-9a-f]{16}$/;

/** A random id for one run of a job (a delivery to a worker). */
export function newRunId(): string {
  return crypto.randomBytes(8).toString('hex');
}
