/** `nas worker` as a separate process, through the compiled CLI, and what the end-to-end queue tests read back from a database. */
import type { ChildProcess } from 'node:child_process';
import path from 'node:path';
import { Store, type TrialRecord } from '../../src/store/index.js';
import { startCli, type CliResult } from '../e2e/cli.js';

export interface WorkerProcess {
  name: string;
  child: ChildProcess;
  lines: string[];
  /** Trials started and not yet ended, by their sequence number. */
  current: Set<number>;
  /** Every trial it started, in order. */
  started: number[];
  ready: Promise<void>;
  done: Promise<CliResult>;
}

/** `nas worker --queue URL --name NAME` in `cwd`; resolves `ready` once it takes trials. */
export function startWorkerProcess(
  url: string,
  name: string,
  options: { cwd: string; env: Record<string, string>; args?: string[]; prefix?: string[]; lockSeconds?: number },
): WorkerProcess {
  let markReady!: () => void;
  const ready = new Promise<void>((resolve) => (markReady = resolve));
  const worker = { name, lines: [] as string[], current: new Set<number>(), started: [] as number[], ready } as WorkerProcess;
  const run = startCli(['worker', '--queue', url, '--name', name, '--lock-seconds', String(options.lockSeconds ?? 3), ...(options.args ?? [])], {
    cwd: options.cwd,
    env: options.env,
    prefix: options.prefix,
    onLine: (line) => {
      worker.lines.push(line);
      if (line.includes('taking trials from')) markReady();
      const match = /trial #(\d+) \(attempt \d+\): (started|.*)/.exec(line);
      if (!match) return;
      const seq = Number(match[1]);
      if (match[2] === 'started') {
        worker.current.add(seq);
        worker.started.push(seq);
      } else worker.current.delete(seq);
    },
  });
  worker.child = run.child;
  worker.done = run.done;
  return worker;
}

/** The trials as a comparison needs them: sequence, hash, status and reward (rounded: floats went through JSON). */
export function outcomes(trials: TrialRecord[]): string[] {
  return trials.map((t) => `${t.seq} ${t.hash} ${t.status} ${t.reward === null ? null : t.reward.toFixed(9)} ${t.epochsRun ?? '-'}`);
}

export function trialsOf(dir: string, db: string): TrialRecord[] {
  const store = Store.open(path.join(dir, db), { create: false });
  try {
    return store.trials.list(store.findExperiment().id);
  } finally {
    store.close();
  }
}

/** Epoch rows per trial (each epoch recorded once, whatever happened on the way). */
export function epochCounts(dir: string, db: string): Map<number, number> {
  const store = Store.open(path.join(dir, db), { create: false });
  try {
    const trials = store.trials.list(store.findExperiment().id);
    return new Map(trials.map((t) => [t.seq, store.trials.epochs(t.id).length]));
  } finally {
    store.close();
  }
}

export function stopAll(workers: WorkerProcess[]): Promise<CliResult[]> {
  for (const worker of workers) if (worker.child.exitCode === null && worker.child.signalCode === null) worker.child.kill('SIGTERM');
  return Promise.all(workers.map((worker) => worker.done));
}
