/** What the search's progress output knows of its running trials, and the status line made of it. */
import type { SearchEvent } from '../../search/index.js';
import { clip, count, duration, fixed, percent } from './format.js';
import { rate, type Pace } from './pace.js';

export interface RunningTrial {
  seq: number;
  arch: string;
  epoch: number;
  epochs: number;
  valAcc: number | null;
  /** Progress inside the current epoch; null until the evaluator reports it, and after each epoch's end. */
  pace: Pace | null;
}

export interface SearchState {
  running: Map<number, RunningTrial>;
  target: number;
  done: number;
  eta: number | null;
}

/**
 * e.g. "[3/20 ETA 12m04s] #16 C64k3-C128k3… ep 1/2 batch 120/469 850 img/s ETA 1m30s | #17 ...", without the
 * ARCHs and the word "batch" when that is too wide for `width`.
 */
export function statusLine(state: SearchState, trials: RunningTrial[] = [...state.running.values()], width = Infinity): string {
  const head = `[${state.done}/${state.target} ETA ${duration(state.eta)}]`;
  const full = `${head} ${trials.map((t) => `#${t.seq} ${clip(t.arch, t.pace ? 20 : 28)} ${trialProgress(t)}`).join(' | ')}`;
  return full.length <= width ? full : `${head} ${trials.map((t) => `#${t.seq} ${trialProgress(t, true)}`).join(' | ')}`;
}

function trialProgress(t: RunningTrial, narrow = false): string {
  const p = t.pace;
  if (p === null) return `ep ${t.epoch}/${t.epochs}${t.valAcc === null ? '' : ` acc ${percent(t.valAcc)}`}`;
  return `ep ${p.epoch}/${p.epochs} ${narrow ? '' : 'batch '}${p.batch}/${p.batches} ${rate(p.imagesPerSecond)} img/s ETA ${duration(p.runEtaSeconds)}`;
}

type TrialEnd = Extract<SearchEvent, { type: 'trial-end' }>;

/**
 * A finished trial. A duplicate settles without training, so it can come out ahead of trials proposed
 * before it that are still training: its line says whose result it reuses and that nothing was trained.
 */
export function trialEndLine(event: TrialEnd, target: number): string {
  const head = `trial ${event.seq}/${target} ${event.status}`;
  const eta = event.progress.etaSeconds === null ? '' : `, ETA ${duration(event.progress.etaSeconds)}`;
  if (event.status === 'duplicate') return `${head} of #${event.duplicateOf}: reward ${fixed(event.reward)} reused (no training)${eta}`;
  if (event.status === 'failed') return `${head}: ${event.error} (reward ${fixed(event.reward)})${eta}`;
  return `${head}: reward ${fixed(event.reward)}, val acc ${percent(event.valAcc)}, ${count(event.params)} params, ${duration(event.seconds)}${eta}`;
}
