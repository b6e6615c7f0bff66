/**
 * The ranking bench's files under runs/, all named by one prefix that carries the run's settings, so that a rerun
 * with the same options continues the same run and one with other options starts its own:
 *   PREFIX.supernet.bin     the shared weights, moments and step count (SharedSession.save), every few hundred steps
 *   PREFIX.train.json       steps done and the supernet's training seconds so far, written with each checkpoint
 *   PREFIX.shared.json      every architecture's shared-weight score (written once all are scored)
 *   PROXY.standalone.jsonl  one line per architecture trained stand-alone, appended as each finishes; PROXY is the prefix
 *                           without the supernet's settings (steps, sharing rule), so every supernet variant of the same
 *                           draw reads the same stand-alone results; PROXY.standalone-seed<R>.jsonl for the R-th
 *                           repeat with other trial seeds (--proxy-seeds)
 *   PREFIX.json             the final report: settings, every row, the statistics
 */
import fs from 'node:fs';
import path from 'node:path';

export interface TrainProgress {
  steps: number;
  seconds: number;
}

export interface SharedScoreRow {
  hash: string;
  valAcc: number;
  valLoss: number;
  seconds: number;
}

export interface StandaloneRow {
  hash: string;
  /** The search's reward: the best validation accuracy of the last epochs (REWARD_WINDOW), as runTrainJob gives it. */
  valAcc: number;
  /** The last epoch's validation accuracy. */
  lastValAcc: number;
  valLoss: number;
  epochs: number;
  status: string;
  params: number;
  seconds: number;
  trialSeed: number;
}

export class BenchFiles {
  constructor(readonly prefix: string, readonly proxyPrefix: string = prefix) {
    fs.mkdirSync(path.dirname(prefix), { recursive: true });
  }

  get supernet(): string {
    return `${this.prefix}.supernet.bin`;
  }

  get report(): string {
    return `${this.prefix}.json`;
  }

  /** The stand-alone results of trial-seed repeat `repeat` (0: the trial seeds a search would use). */
  standalone(repeat = 0): string {
    return `${this.proxyPrefix}.standalone${repeat === 0 ? '' : `-seed${repeat}`}.jsonl`;
  }

  /** The saved shared weights and their training progress, if a checkpoint was written. */
  readSupernet(): { bytes: Uint8Array; progress: TrainProgress } | undefined {
    if (!fs.existsSync(this.supernet)) return undefined;
    const progress = readJson<TrainProgress>(`${this.prefix}.train.json`);
    if (!progress) return undefined;
    return { bytes: new Uint8Array(fs.readFileSync(this.supernet)), progress };
  }

  /** Writes the checkpoint and then its progress, each atomically (a kill between them leaves an older progress, on the safe side). */
  writeSupernet(bytes: Uint8Array, progress: TrainProgress): void {
    writeAtomic(this.supernet, bytes);
    writeAtomic(`${this.prefix}.train.json`, JSON.stringify(progress));
  }

  /**
   * The scores made after `steps` supernet steps and `tuneSteps` steps along each path alone (0 when absent), at the
   * tuning's rate schedule (constant when absent).
   */
  readSharedScores(steps: number, tuneSteps: number, tuneSchedule: string): SharedScoreRow[] | undefined {
    const saved = readJson<{ supernetSteps: number; tuneSteps?: number; tuneSchedule?: string; rows: SharedScoreRow[] }>(`${this.prefix}.shared.json`);
    const same = saved && saved.supernetSteps === steps && (saved.tuneSteps ?? 0) === tuneSteps && (saved.tuneSchedule ?? 'constant') === tuneSchedule;
    return same ? saved.rows : undefined;
  }

  writeSharedScores(steps: number, tuneSteps: number, tuneSchedule: string, rows: SharedScoreRow[]): void {
    writeAtomic(`${this.prefix}.shared.json`, JSON.stringify({ supernetSteps: steps, tuneSteps, tuneSchedule, rows }, null, 1));
  }

  /** The stand-alone results recorded so far, by hash (a torn last line from a kill is skipped). */
  readStandalone(repeat = 0): Map<string, StandaloneRow> {
    const rows = new Map<string, StandaloneRow>();
    const file = this.standalone(repeat);
    if (!fs.existsSync(file)) return rows;
    for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
      if (line.trim() === '') continue;
      try {
        const row = JSON.parse(line) as StandaloneRow;
        rows.set(row.hash, row);
      } catch {
        // a line cut short by a kill: that architecture trains again
      }
    }
    return rows;
  }

  appendStandalone(row: StandaloneRow, repeat = 0): void {
    const file = this.standalone(repeat);
    const text = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
    const separator = text.length > 0 && !text.endsWith('\n') ? '\n' : '';
    fs.appendFileSync(file, `${separator}${JSON.stringify(row)}\n`);
  }

  writeReport(report: unknown): void {
    writeAtomic(this.report, JSON.stringify(report, null, 1));
  }
}

function readJson<T>(file: string): T | undefined {
  if (!fs.existsSync(file)) return undefined;
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as T;
  } catch {
    return undefined;
  }
}

function writeAtomic(file: string, data: Uint8Array | string): void {
  const temporary = `${file}.tmp-${process.pid}`;
  fs.writeFileSync(temporary, data);
  fs.renameSync(temporary, file);
}
