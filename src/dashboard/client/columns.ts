/** The trial columns a page holds, merged with each answer from the first unfinished trial on. */
import { STATUSES, type Status, type TrialColumns } from './types.js';

const QUEUED = STATUSES.indexOf('queued');
const RUNNING = STATUSES.indexOf('running');
const KEYS = ['id', 'seq', 'status', 'reward', 'valAcc', 'params', 'macs', 'epochs', 'elapsed'] as const;

export class ColumnStore {
  readonly data: TrialColumns = { fromSeq: 0, id: [], seq: [], status: [], reward: [], valAcc: [], params: [], macs: [], epochs: [], elapsed: [] };

  get length(): number {
    return this.data.seq.length;
  }

  /** The seq to ask from next: the first trial that may still change, or past the last one. */
  nextFromSeq(): number {
    const { seq, status } = this.data;
    for (let i = 0; i < status.length; i++) if (status[i] === QUEUED || status[i] === RUNNING) return seq[i]!;
    return seq.length > 0 ? seq[seq.length - 1]! + 1 : 0;
  }

  /** Replaces what it holds from `fresh.fromSeq` on with `fresh`. */
  merge(fresh: TrialColumns): void {
    let cut = this.data.seq.length;
    while (cut > 0 && this.data.seq[cut - 1]! >= fresh.fromSeq) cut--;
    for (const key of KEYS) {
      const column = this.data[key] as (number | null)[];
      column.length = cut;
      for (const value of fresh[key]) column.push(value);
    }
  }

  status(i: number): Status {
    return STATUSES[this.data.status[i]!] ?? 'queued';
  }

  /** Trained trials: completed or pruned (their reward is their own; a duplicate's is another's). */
  trained(i: number): boolean {
    const status = this.status(i);
    return status === 'completed' || status === 'pruned';
  }
}
