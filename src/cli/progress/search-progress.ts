import type { SearchEvent, SearchSummary } from '../../search/index.js';
import { describeArch } from '../../space/index.js';
import { clip, count, duration, fixed, percent } from './format.js';
import { LONG_RUN_SECONDS, progressIntervalMs, searchEstimate, settled, type Estimate } from './pace.js';
import { statusLine, trialEndLine, type SearchState } from './search-status.js';

export type ProgressMode = 'tty' | 'plain' | 'json' | 'quiet';

export interface RendererOptions {
  /** Milliseconds (tests pass their own clock). */
  now?: () => number;
  /** Between progress lines, or a trial's JSON progress events, when the output is not a terminal. */
  intervalMs?: number;
}

type ProgressEvent = Extract<SearchEvent, { type: 'progress' }>;

/**
 * Renders search events: on a terminal a live status line of the running trials (with their batches, images/s
 * and ETA) above which finished trials scroll; plain lines when piped, with a status line when nothing was
 * written for a while; one JSON object per event with --json (a trial's progress events thinned out the same
 * way); only the summary with --quiet. A long search gets an estimate once, from its first trial's pace.
 */
export function progressRenderer(mode: ProgressMode, out: NodeJS.WritableStream = process.stdout, options: RendererOptions = {}): (event: SearchEvent) => void {
  const now = options.now ?? Date.now;
  const every = options.intervalMs ?? progressIntervalMs();
  return mode === 'json' ? jsonRenderer(out, now, every) : textRenderer(mode, out, now, every);
}

/**
 * The estimate from the first pace settled enough to measure, when the search looks long; asked once only. It
 * sees every event, to learn the run's time limit from its start.
 */
function firstEstimate(now: () => number): (event: SearchEvent, atOnce: number) => Estimate | null {
  let measured = false;
  let deadline = Infinity;
  return (event, atOnce) => {
    if (event.type === 'start' && event.timeLimitSeconds !== null) deadline = now() + event.timeLimitSeconds * 1000;
    if (event.type !== 'progress' || measured || !settled(event)) return null;
    measured = true;
    const left = event.progress.target - event.progress.done;
    const estimate = searchEstimate(event, event.seq, left, atOnce, Math.max(0, (deadline - now()) / 1000));
    return estimate && estimate.seconds > LONG_RUN_SECONDS ? estimate : null;
  };
}

function jsonRenderer(out: NodeJS.WritableStream, now: () => number, every: number): (event: SearchEvent) => void {
  const lastWritten = new Map<number, number>();
  const estimate = firstEstimate(now);
  const write = (value: object): void => {
    out.write(`${JSON.stringify(value)}\n`);
  };
  return (event) => {
    if (event.type === 'start') estimate(event, 1);
    if (event.type === 'trial-start') lastWritten.set(event.seq, now());
    if (event.type === 'trial-end') lastWritten.delete(event.seq);
    if (event.type === 'progress') {
      const found = estimate(event, Math.max(1, lastWritten.size));
      if (found) write({ type: 'estimate', ...found });
      // Each trial's progress at most once per interval, counted from its start.
      if (now() - (lastWritten.get(event.seq) ?? -Infinity) < every) return;
      lastWritten.set(event.seq, now());
    }
    write(event);
  };
}

function textRenderer(mode: Exclude<ProgressMode, 'json'>, out: NodeJS.WritableStream, now: () => number, every: number): (event: SearchEvent) => void {
  const state: SearchState = { running: new Map(), target: 0, done: 0, eta: null };
  const live = mode === 'tty';
  const estimate = firstEstimate(now);
  let lastWrite = now();
  const write = (line: string): void => {
    if (mode === 'quiet') return;
    out.write(live ? `\r\x1b[K${line}\n` : `${line}\n`);
    lastWrite = now();
    if (live) redraw();
  };
  const redraw = (): void => {
    if (!live || state.running.size === 0) return;
    const width = (process.stdout.columns || 100) - 1;
    out.write(`\r\x1b[K${clip(statusLine(state, undefined, width), width)}`);
  };
  const onProgress = (event: ProgressEvent): void => {
    const trial = state.running.get(event.seq);
    if (trial) trial.pace = event;
    state.eta = event.progress.etaSeconds;
    const found = estimate(event, Math.max(1, state.running.size));
    if (found) write(found.message);
    if (live) redraw();
    else if (now() - lastWrite >= every) write(`progress ${statusLine(state, [...state.running.values()].filter((t) => t.pace))}`);
  };

  return (event) => {
    switch (event.type) {
      case 'start':
        estimate(event, 1);
        state.target = event.target;
        state.done = event.done;
        write(
          event.resumed
            ? `resuming experiment ${event.experiment}: ${event.done}/${event.target} trials done` +
                (event.requeued ? `, ${event.requeued} interrupted trial(s) re-queued` : '')
            : `experiment ${event.experiment}: ${event.target} trials, results in ${event.dbFile}`,
        );
        break;
      case 'trial-start':
        state.running.set(event.seq, { seq: event.seq, arch: event.arch, epoch: 0, epochs: event.epochs, valAcc: null, pace: null });
        if (!live) write(`trial ${event.seq}/${state.target} started: ${event.arch} (${count(event.params)} params)`);
        else redraw();
        break;
      case 'progress':
        onProgress(event);
        break;
      case 'epoch': {
        const trial = state.running.get(event.seq);
        if (trial) Object.assign(trial, { epoch: event.epoch, epochs: event.epochs, valAcc: event.valAcc, pace: null });
        state.eta = event.progress.etaSeconds;
        if (!live) write(`trial ${event.seq} epoch ${event.epoch}/${event.epochs}: val acc ${percent(event.valAcc)}, loss ${fixed(event.valLoss, 3)}`);
        else redraw();
        break;
      }
      case 'trial-end':
        state.running.delete(event.seq);
        state.done = event.progress.done;
        state.eta = event.progress.etaSeconds;
        write(trialEndLine(event, state.target));
        break;
      case 'update':
        write(
          `controller update ${event.batch + 1}: mean reward ${fixed(event.diagnostics.meanReward)}, ` +
            `baseline ${fixed(event.diagnostics.baseline)}, entropy ${fixed(event.diagnostics.entropy, 3)}` +
            (event.diagnostics.collapseWarning ? ' (warning: the policy is collapsing)' : ''),
        );
        break;
      case 'stopping':
        write(`stopping: ${event.message}${event.reason === 'failures' ? '' : '; running trials finish or are re-queued'}`);
        break;
      case 'end':
        state.running.clear();
        if (live) out.write('\r\x1b[K');
        out.write(summaryText(event.summary));
        break;
    }
  };
}

function summaryText(summary: SearchSummary): string {
  const c = summary.counts;
  const lines = [
    '',
    `experiment ${summary.experiment}: ${summary.status}${summary.message ? ` (${summary.message})` : ''}`,
    `trials: ${summary.finished}/${summary.target} finished: ${c.completed} completed, ${c.pruned} pruned, ${c.failed} failed, ` +
      `${c.duplicate} duplicates (duplicate rate ${percent(summary.duplicateRate)})` +
      (c.queued + c.running ? `, ${c.queued + c.running} queued` : ''),
    `wall time: ${duration(summary.runSeconds)} this run, ${duration(summary.totalSeconds)} in all`,
  ];
  const d = summary.lastDiagnostics;
  if (d) {
    lines.push(
      `controller: ${summary.controllerUpdates} updates; last: mean reward ${fixed(d.meanReward)}, baseline ${fixed(d.baseline)}, ` +
        `advantage std ${fixed(d.advantageStd)}, entropy ${fixed(d.entropy, 3)}${d.collapseWarning ? ' (collapse warning)' : ''}`,
    );
  }
  if (summary.best.length > 0) {
    lines.push('best trials:');
    for (const t of summary.best) {
      const arch = typeof t.arch === 'string' ? t.arch : describeArch(t.arch);
      lines.push(`  #${t.seq} (id ${t.id}) reward ${fixed(t.reward)} val acc ${percent(t.valAcc)} ${count(t.params)} params  ${arch}`);
    }
    lines.push(`replay the best: nas replay ${summary.best[0]!.id}`);
  }
  if (summary.resumeHint) lines.push(`to continue: ${summary.resumeHint}`);
  return lines.join('\n') + '\n';
}
