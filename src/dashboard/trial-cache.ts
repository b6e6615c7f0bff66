import { describeArch, type Arch } from '../space/index.js';
import type { ResultsReader, TrialLine } from '../store/index.js';
import { STATUSES, type Status, type TableRow, type TrialColumns } from './client/types.js';

const OPEN = new Set<Status>(['queued', 'running']);

/** The figures of an experiment's trials that the experiments page shows. */
export interface TrialCounts {
  trials: number;
  byStatus: Record<Status, number>;
  best: TableRow | null;
}

/**
 * An experiment's trials as the dashboard shows them, kept between requests. A finished trial never changes,
 * so a refresh (when the database's change counter moved) reads only from the first unfinished trial on:
 * with 20,000 trials stored and a search adding one, a refresh reads a handful of rows, not 20,000. The ARCHs
 * (most of a row's bytes) are read and summarized when a row is shown or searched, not before.
 */
export class TrialCache {
  readonly rows: TableRow[] = [];
  /** Milliseconds since the epoch at which each row's trial finished (parallel to rows). */
  private readonly finishedMs: (number | null)[] = [];
  /** Whether each row's ARCH summary is made (parallel to rows). */
  private readonly summarizedRow: boolean[] = [];
  private version = Number.NaN;
  private counted: TrialCounts | null = null;
  private best: TableRow[] | null = null;

  constructor(
    readonly experimentId: number,
    private readonly createdMs: number,
  ) {}

  /** Brings the rows up to date with the database at `version` (its data_version). */
  refresh(reader: ResultsReader, version: number): void {
    if (version === this.version) return;
    const fromSeq = this.firstOpenSeq();
    const lines = reader.trialLines(this.experimentId, fromSeq);
    const cut = this.indexOfSeq(fromSeq);
    if (lines.length > 0 || cut < this.rows.length) {
      this.rows.length = this.finishedMs.length = this.summarizedRow.length = cut;
      for (const line of lines) {
        this.rows.push(toRow(line));
        this.finishedMs.push(line.finishedAt === null ? null : Date.parse(line.finishedAt));
        this.summarizedRow.push(false);
      }
      this.counted = null;
      this.best = null;
    }
    this.version = version;
  }

  /** The columns from sequence number `fromSeq` on. */
  columns(fromSeq: number): TrialColumns {
    const start = this.indexOfSeq(fromSeq);
    const rows = this.rows.slice(start);
    return {
      fromSeq,
      id: rows.map((r) => r.id),
      seq: rows.map((r) => r.seq),
      status: rows.map((r) => STATUSES.indexOf(r.status)),
      reward: rows.map((r) => round(r.reward)),
      valAcc: rows.map((r) => round(r.valAcc)),
      params: rows.map((r) => r.params),
      macs: rows.map((r) => r.macs),
      epochs: rows.map((r) => r.epochs),
      elapsed: this.finishedMs.slice(start).map((t) => (t === null ? null : Math.round(t - this.createdMs) / 1000)),
    };
  }

  /** Trials by status and the best trained one (computed once per change). */
  counts(): TrialCounts {
    if (this.counted) return this.counted;
    const byStatus = Object.fromEntries(STATUSES.map((s) => [s, 0])) as Record<Status, number>;
    let best: TableRow | null = null;
    for (const row of this.rows) {
      byStatus[row.status]++;
      if (trained(row) && row.reward !== null && (best === null || row.reward > best.reward!)) best = row;
    }
    return (this.counted = { trials: this.rows.length, byStatus, best });
  }

  /** Seconds from the experiment's creation to each finished trial's end, with the row (in row order). */
  finishTimes(): { row: TableRow; elapsed: number }[] {
    const out: { row: TableRow; elapsed: number }[] = [];
    this.rows.forEach((row, i) => {
      const t = this.finishedMs[i];
      if (t !== null && t !== undefined) out.push({ row, elapsed: (t - this.createdMs) / 1000 });
    });
    return out;
  }

  /** The K trained trials with the highest reward, best first. */
  top(count: number): TableRow[] {
    this.best ??= this.rows.filter((r) => r.reward !== null && trained(r)).sort((a, b) => b.reward! - a.reward! || a.seq - b.seq);
    return this.best.slice(0, count);
  }

  /** The rows with their ARCH summaries made (read and summarized once): the given ones, or every one. */
  summarized(reader: ResultsReader, rows: readonly TableRow[] = this.rows): readonly TableRow[] {
    const missing = rows.map((row) => this.indexOfSeq(row.seq)).filter((i) => this.summarizedRow[i] === false);
    const json = reader.archJson(missing.map((i) => this.rows[i]!.id));
    for (const i of missing) {
      const row = this.rows[i]!;
      row.arch = archSummary(json.get(row.id) ?? '');
      this.summarizedRow[i] = true;
    }
    return rows;
  }

  /** The seq of the first trial that may still change; past the last row when none may. */
  private firstOpenSeq(): number {
    const open = this.rows.findIndex((row) => OPEN.has(row.status));
    if (open >= 0) return this.rows[open]!.seq;
    return this.rows.length > 0 ? this.rows[this.rows.length - 1]!.seq + 1 : 0;
  }

  /** The index of the first row whose seq is `seq` or more (rows are in seq order): binary search. */
  private indexOfSeq(seq: number): number {
    let lo = 0;
    let hi = this.rows.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.rows[mid]!.seq < seq) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

function trained(row: TableRow): boolean {
  return row.status === 'completed' || row.status === 'pruned';
}

function toRow(line: TrialLine): TableRow {
  return {
    id: line.id,
    seq: line.seq,
    status: line.status,
    reward: line.reward,
    valAcc: line.valAcc,
    params: line.params,
    macs: line.macs,
    epochs: line.epochsRun,
    seconds: line.durationSeconds,
    hash: line.hash,
    arch: '',
    duplicateOf: line.duplicateOf,
  };
}

/** The one-line ARCH notation (C64k3-P...-T), a cell's own string, or a note when the stored JSON is damaged. */
export function archSummary(json: string): string {
  try {
    const arch = JSON.parse(json) as Arch | string;
    return typeof arch === 'string' ? arch : describeArch(arch);
  } catch {
    return '(damaged ARCH)';
  }
}

/** Six decimals are plenty for a plot, and shorten the JSON of long columns. */
function round(value: number | null): number | null {
  return value === null ? null : Math.round(value * 1e6) / 1e6;
}
