/** Progress of downloads and long reads: the caller's callback, a cli-progress bar on a terminal, or quiet lines. */
import cliProgress from 'cli-progress';

export interface ProgressEvent {
  phase: string;
  done: number;
  total: number;
}
export type ProgressSink = (event: ProgressEvent) => void;

export interface ProgressReporter {
  sink: ProgressSink;
  stop(): void;
}

/** `label` names the work (e.g. a file name) on the bar or in the log lines. */
export function progressReporter(label: string, onProgress?: ProgressSink): ProgressReporter {
  if (onProgress) return { sink: onProgress, stop: () => {} };
  if (process.stderr.isTTY) return terminalBar(label);
  return logLines(label);
}

function terminalBar(label: string): ProgressReporter {
  const bar = new cliProgress.SingleBar(
    { format: `{phase} ${label} [{bar}] {percentage}% | {amount}`, stream: process.stderr, hideCursor: true },
    cliProgress.Presets.shades_classic,
  );
  let phase = '';
  let last = 0;
  return {
    sink: (event) => {
      // A new phase, or the same phase starting over on the next file, gets a fresh bar.
      if (event.phase !== phase || event.done < last) {
        if (phase) bar.stop();
        phase = event.phase;
        bar.start(Math.max(event.total, 1), event.done, { phase, amount: amount(event) });
      }
      last = event.done;
      // Without a Content-Length the total is unknown (0): keep the bar full rather than past 100 %.
      bar.setTotal(Math.max(event.total, event.done, 1));
      bar.update(event.done, { phase, amount: amount(event) });
    },
    stop: () => {
      if (phase) bar.stop();
    },
  };
}

function amount(event: ProgressEvent): string {
  if (event.total <= 0) return `${(event.done / 1e6).toFixed(1)} MB`;
  if (event.total < 1e6) return `${event.done}/${event.total}`;
  return `${(event.done / 1e6).toFixed(1)}/${(event.total / 1e6).toFixed(1)} MB`;
}

function logLines(label: string): ProgressReporter {
  let phase = '';
  let lastTenth = -1;
  return {
    sink: (event) => {
      const tenth = event.total > 0 ? Math.floor((10 * event.done) / event.total) : 0;
      if (event.phase === phase && tenth === lastTenth) return;
      if (event.phase !== phase) lastTenth = -1;
      phase = event.phase;
      lastTenth = tenth;
      if (event.phase !== 'read') {
        process.stderr.write(`nas: ${event.phase} ${label}: ${tenth * 10}%\n`);
      }
    },
    stop: () => {},
  };
}
