import type { SearchEvent, SearchSummary } from '../../search/index.js';
import { describeArch } from '../../space/index.js';
import { clip, count, duration, fixed, percent } from './format.js';

export type ProgressMode = 'tty' | 'plain' | 'json' | 'quiet';

interface Running {
  seq: number;
  arch: string;
  epoch: number;
  epochs: number;
  valAcc: number | null;
}

/**
 * Renders search events: on a terminal a live status line of the running trials above which finished trials
 * scroll; plain lines when piped; one JSON object per event with --json; only the summary with --quiet.
 */
export function progressRenderer(mode: ProgressMode, out: NodeJS.WritableStream = process.stdout): (event: SearchEvent) => void {
  if (mode === 'json') return (event) => out.write(`${JSON.stringify(event)}\n`);
  const running = new Map<number, Running>();
  let target = 0;
  let eta: number | null = null;
  let done = 0;
  const live = mode === 'tty';
  const write = (line: string): void => {
    if (mode === 'quiet') return;
    out.write(live ? `\r\x1b[K${line}\n` : `${line}\n`);
    if (live) redraw();
  };
  const redraw = (): void => {
    if (!live || running.size === 0) return;
    const width = (process.stdout.columns || 100) - 1;
    const parts = [...running.values()].map(
      (t) => `#${t.seq} ${clip(t.arch, 28)} ep ${t.epoch}/${t.epochs}${t.valAcc === null ? '' : ` acc ${percent(t.valAcc)}`}`,
    );
    out.write(`\r\x1b[K${clip(`[${done}/${target} ETA ${duration(eta)}] ${parts.join(' | ')}`, width)}`);
  };

  return (event) => {
    switch (event.type) {
      case 'start':
        target = event.target;
        done = event.done;
        write(
          event.resumed
            ? `resuming experiment ${event.experiment}: ${event.done}/${event.target} trials done` +
                (event.requeued ? `, ${event.requeued} interrupted trial(s) re-queued` : '')
            : `experiment ${event.experiment}: ${event.target} trials, results in ${event.dbFile}`,
        );
        break;
      case 'trial-start':
        running.set(event.seq, { seq: event.seq, arch: event.arch, epoch: 0, epochs: event.epochs, valAcc: null });
        if (!live) write(`trial ${event.seq}/${target} started: ${event.arch} (${count(event.params)} params)`);
        else redraw();
        break;
      case 'epoch': {
        const trial = running.get(event.seq);
        if (trial) Object.assign(trial, { epoch: event.epoch, epochs: event.epochs, valAcc: event.valAcc });
        eta = event.progress.etaSeconds;
        if (!live) write(`trial ${event.seq} epoch ${event.epoch}/${event.epochs}: val acc ${percent(event.valAcc)}, loss ${fixed(event.valLoss, 3)}`);
        else redraw();
        break;
      }
      case 'trial-end': {
        running.delete(event.seq);
        done = event.progress.done;
        eta = event.progress.etaSeconds;
        write(trialEndLine(event, target));
        break;
      }
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
        running.clear();
        if (live) out.write('\r\x1b[K');
        out.write(summaryText(event.summary));
        break;
    }
  };
}

function trialEndLine(event: Extract<SearchEvent, { type: 'trial-end' }>, target: number): string {
  const head = `trial ${event.seq}/${target} ${event.status}`;
  const eta = event.progress.etaSeconds === null ? '' : `, ETA ${duration(event.progress.etaSeconds)}`;
  if (event.status === 'duplicate') return `${head} of trial ${event.duplicateOf}: reward ${fixed(event.reward)} (not retrained)${eta}`;
  if (event.status === 'failed') return `${head}: ${event.error} (reward ${fixed(event.reward)})${eta}`;
  return `${head}: reward ${fixed(event.reward)}, val acc ${percent(event.valAcc)}, ${count(event.params)} params, ${duration(event.seconds)}${eta}`;
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
