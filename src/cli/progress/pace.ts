/**
 * Progress inside an epoch as the CLI shows it (batches, images/s, ETAs), how often it may write when nobody
 * watches a terminal, and the estimate printed before a run that will take long.
 */
import type { BatchReport } from '../../evaluation/types.js';
import { duration } from './format.js';

/** A trainer's or an evaluator's report (the trainer's leaves the backend out when it does not know it). */
export type Pace = Omit<BatchReport, 'backend'> & { backend?: string | null };

/** A run expected to take longer than this gets an estimate and advice before it goes on. */
export const LONG_RUN_SECONDS = 600;

export const PROGRESS_INTERVAL_ENV = 'NAS_PROGRESS_INTERVAL';
const DEFAULT_INTERVAL_SECONDS = 15;

/** Milliseconds between progress lines (or JSON progress events) when the output is not a terminal. */
export function progressIntervalMs(env: NodeJS.ProcessEnv = process.env): number {
  const seconds = Number(env[PROGRESS_INTERVAL_ENV]);
  return (Number.isFinite(seconds) && seconds >= 0 && env[PROGRESS_INTERVAL_ENV] !== '' ? seconds : DEFAULT_INTERVAL_SECONDS) * 1000;
}

/** Training time and steps after which the pace is trusted for an estimate (the first steps are warm-up). */
const SETTLING = { seconds: 10, steps: 6 };

/** Whether the pace was measured over enough to estimate from. */
export function settled(pace: Pace): boolean {
  if (pace.epoch > 1 || pace.batch >= pace.batches) return true;
  return pace.batch >= SETTLING.steps && pace.elapsedSeconds >= SETTLING.seconds;
}

export function rate(imagesPerSecond: number): string {
  return imagesPerSecond < 10 ? imagesPerSecond.toFixed(1) : imagesPerSecond.toFixed(0);
}

/** e.g. "batch 120/469, 850 img/s, epoch ETA 40.0s, run ETA 6m10s" */
export function paceText(pace: Pace): string {
  const run = pace.epochs > pace.epoch ? `, run ETA ${duration(pace.runEtaSeconds)}` : '';
  return `batch ${pace.batch}/${pace.batches}, ${rate(pace.imagesPerSecond)} img/s, epoch ETA ${duration(pace.epochEtaSeconds)}${run}`;
}

export interface Estimate {
  seconds: number;
  message: string;
}

/**
 * A full training's length: MACs x images x epochs at the measured speed, or the time limit when that is
 * shorter; null until the pace is settled. The advice names what shortens it.
 */
export function trainingEstimate(pace: Pace, macsPerImage: number | null, timeLimitSeconds?: number): Estimate | null {
  if (!settled(pace) || !(pace.imagesPerSecond > 0)) return null;
  const seconds = (pace.epochImages * pace.epochs) / pace.imagesPerSecond;
  const work = macsPerImage === null ? '' : `${compact(macsPerImage)} MACs x `;
  const speed = macsPerImage === null
    ? `${rate(pace.imagesPerSecond)} images/s`
    : `${compact(macsPerImage * pace.imagesPerSecond)} MAC/s (${rate(pace.imagesPerSecond)} images/s)`;
  const epochs = `${pace.epochs} epoch${pace.epochs === 1 ? '' : 's'}`;
  const head = `estimate: ${work}${compact(pace.epochImages)} images x ${epochs} at ${speed} measured = about ${duration(seconds)} of training`;
  if (timeLimitSeconds !== undefined && timeLimitSeconds < seconds) {
    return { seconds: timeLimitSeconds, message: `${head}${onBackend(pace)}, cut to ${duration(timeLimitSeconds)} by --time-limit` };
  }
  return { seconds, message: `${head}${onBackend(pace)}: use a GPU backend, fewer --epochs or --train-limit` };
}

/** A search's remaining length at the pace of its first trial: `left` trials, `atOnce` at a time. */
export function searchEstimate(pace: Pace, seq: number, left: number, atOnce: number, secondsLeft = Infinity): Estimate | null {
  if (!settled(pace) || left <= 0) return null;
  const perTrial = pace.elapsedSeconds + pace.runEtaSeconds;
  const seconds = (perTrial * left) / Math.max(1, atOnce);
  const parallel = atOnce > 1 ? `, ${atOnce} at a time` : '';
  if (secondsLeft < seconds) {
    const fit = Math.floor((secondsLeft * Math.max(1, atOnce)) / perTrial);
    return {
      seconds: secondsLeft,
      message:
        `estimate: the time limit ends the search in about ${duration(secondsLeft)}, after about ${fit} of the ${left} trials left ` +
        `at the pace of trial ${seq} (${duration(perTrial)} each${onBackend(pace)}${parallel})`,
    };
  }
  return {
    seconds,
    message:
      `estimate: about ${duration(seconds)} for the ${left} trial${left === 1 ? '' : 's'} left at the pace of trial ${seq} ` +
      `(${duration(perTrial)} each${onBackend(pace)}${parallel}): use a GPU backend or --max-macs`,
  };
}

function onBackend(pace: Pace): string {
  return pace.backend ? ` on ${pace.backend}` : '';
}

/** Three significant digits with k, M, G or T: 286M, 1.23G, 60.0k. */
export function compact(value: number): string {
  const units: [number, string][] = [[1e12, 'T'], [1e9, 'G'], [1e6, 'M'], [1e3, 'k']];
  for (const [size, unit] of units) {
    if (Math.abs(value) >= size) return `${Number((value / size).toPrecision(3))}${unit}`;
  }
  return String(Number(value.toPrecision(3)));
}
