import type { EpochMetrics } from '../trainer/types.js';
import type { SqliteDatabase } from './open.js';
import type { NewTrial, StoredArch, TrialRecord, TrialResult, TrialStatus } from './types.js';

interface TrialRow {
  id: number;
  experiment_id: number;
  seq: number;
  batch: number;
  decisions: string;
  arch: string;
  hash: string;
  status: TrialStatus;
  reward: number | null;
  val_acc: number | null;
  val_loss: number | null;
  train_acc: number | null;
  params: number | null;
  macs: number | null;
  epochs_run: number | null;
  duration_s: number | null;
  backend: string | null;
  worker: string | null;
  error: string | null;
  duplicate_of: number | null;
  hyper: string;
  attempts: number;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
}

interface EpochRow {
  epoch: number;
  train_loss: number;
  train_acc: number;
  val_loss: number;
  val_acc: number;
  seconds: number;
}

const now = (): string => new Date().toISOString();

/** Statuses of a trial that has its final result. */
export const FINISHED_STATUSES: readonly TrialStatus[] = ['completed', 'failed', 'pruned', 'duplicate'];

/** The trials and epochs tables. */
export class Trials {
  constructor(private readonly db: SqliteDatabase) {}

  insertQueued(experimentId: number, batch: number, trials: readonly NewTrial[]): TrialRecord[] {
    const insert = this.db.prepare(
      `INSERT INTO trials (experiment_id, seq, batch, decisions, arch, hash, status, params, macs, hyper, created_at)
       VALUES (?, ?, ?, ?, ?, ?, 'queued', ?, ?, ?, ?)`,
    );
    const time = now();
    for (const trial of trials) {
      insert.run(
        experimentId,
        trial.seq,
        batch,
        JSON.stringify(trial.decisions),
        JSON.stringify(trial.arch),
        trial.hash,
        trial.params ?? null,
        trial.macs ?? null,
        JSON.stringify(trial.hyper),
        time,
      );
    }
    return this.ofBatch(experimentId, batch);
  }

  /** Marks a trial as running and forgets the epochs of an earlier, interrupted attempt. */
  markRunning(trialId: number, worker: string | null = null): void {
    this.db.prepare(`DELETE FROM epochs WHERE trial_id = ?`).run(trialId);
    this.db
      .prepare(`UPDATE trials SET status = 'running', worker = ?, started_at = ?, attempts = attempts + 1 WHERE id = ?`)
      .run(worker, now(), trialId);
  }

  recordEpoch(trialId: number, metrics: EpochMetrics): void {
    this.db
      .prepare(
        `INSERT OR REPLACE INTO epochs (trial_id, epoch, train_loss, train_acc, val_loss, val_acc, seconds)
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(trialId, metrics.epoch, finite(metrics.trainLoss), finite(metrics.trainAcc), finite(metrics.valLoss), finite(metrics.valAcc), metrics.seconds);
  }

  finish(trialId: number, result: TrialResult): void {
    this.db
      .prepare(
        `UPDATE trials SET status = ?, reward = ?, val_acc = ?, val_loss = ?, train_acc = ?,
           params = coalesce(?, params), epochs_run = ?, duration_s = ?, backend = ?, worker = coalesce(?, worker),
           error = ?, duplicate_of = ?, finished_at = ?
         WHERE id = ?`,
      )
      .run(
        result.status,
        result.reward,
        finite(result.valAcc),
        finite(result.valLoss),
        finite(result.trainAcc),
        result.params ?? null,
        result.epochsRun ?? null,
        result.durationSeconds ?? null,
        result.backend ?? null,
        result.worker ?? null,
        result.error ?? null,
        result.duplicateOf ?? null,
        now(),
        trialId,
      );
  }

  /** Trials left running by a process that died or was interrupted go back to the queue. Returns how many. */
  requeueRunning(experimentId: number): number {
    return this.db
      .prepare(`UPDATE trials SET status = 'queued', worker = NULL, started_at = NULL WHERE experiment_id = ? AND status = 'running'`)
      .run(experimentId).changes;
  }

  byId(id: number): TrialRecord | undefined {
    const row = this.db.prepare(`SELECT * FROM trials WHERE id = ?`).get(id) as TrialRow | undefined;
    return row && toRecord(row);
  }

  bySeq(experimentId: number, seq: number): TrialRecord | undefined {
    const row = this.db.prepare(`SELECT * FROM trials WHERE experiment_id = ? AND seq = ?`).get(experimentId, seq) as
      | TrialRow
      | undefined;
    return row && toRecord(row);
  }

  /** Every trial of an experiment in sequence order. */
  list(experimentId: number): TrialRecord[] {
    const rows = this.db.prepare(`SELECT * FROM trials WHERE experiment_id = ? ORDER BY seq`).all(experimentId) as TrialRow[];
    return rows.map(toRecord);
  }

  ofBatch(experimentId: number, batch: number): TrialRecord[] {
    const rows = this.db
      .prepare(`SELECT * FROM trials WHERE experiment_id = ? AND batch = ? ORDER BY seq`)
      .all(experimentId, batch) as TrialRow[];
    return rows.map(toRecord);
  }

  /** The trials with the highest reward that were trained (not duplicates, not failures). */
  top(experimentId: number, count: number): TrialRecord[] {
    const rows = this.db
      .prepare(
        `SELECT * FROM trials WHERE experiment_id = ? AND status IN ('completed', 'pruned') AND reward IS NOT NULL
         ORDER BY reward DESC, val_acc DESC, seq LIMIT ?`,
      )
      .all(experimentId, count) as TrialRow[];
    return rows.map(toRecord);
  }

  /** The trained trial (completed, pruned or failed) with this canonical hash, if any, earliest first. */
  evaluatedByHash(experimentId: number, hash: string, beforeSeq: number): TrialRecord | undefined {
    const row = this.db
      .prepare(
        `SELECT * FROM trials WHERE experiment_id = ? AND hash = ? AND seq < ?
           AND status IN ('completed', 'pruned', 'failed') ORDER BY seq LIMIT 1`,
      )
      .get(experimentId, hash, beforeSeq) as TrialRow | undefined;
    return row && toRecord(row);
  }

  /** Validation accuracy at `epoch` of the completed trials of batches before `beforeBatch` (for pruning). */
  valAccAtEpoch(experimentId: number, epoch: number, beforeBatch: number): number[] {
    const rows = this.db
      .prepare(
        `SELECT e.val_acc AS v FROM epochs e JOIN trials t ON t.id = e.trial_id
         WHERE t.experiment_id = ? AND t.batch < ? AND t.status = 'completed' AND e.epoch = ? AND e.val_acc IS NOT NULL`,
      )
      .all(experimentId, beforeBatch, epoch) as { v: number }[];
    return rows.map((row) => row.v);
  }

  epochs(trialId: number): EpochMetrics[] {
    const rows = this.db.prepare(`SELECT * FROM epochs WHERE trial_id = ? ORDER BY epoch`).all(trialId) as EpochRow[];
    return rows.map((row) => ({
      epoch: row.epoch,
      trainLoss: row.train_loss,
      trainAcc: row.train_acc,
      valLoss: row.val_loss,
      valAcc: row.val_acc,
      seconds: row.seconds,
    }));
  }
}

/** SQLite stores NaN as NULL anyway; say so explicitly. */
function finite(value: number | null | undefined): number | null {
  return value === null || value === undefined || !Number.isFinite(value) ? null : value;
}

function toRecord(row: TrialRow): TrialRecord {
  return {
    id: row.id,
    experimentId: row.experiment_id,
    seq: row.seq,
    batch: row.batch,
    decisions: JSON.parse(row.decisions) as number[],
    arch: JSON.parse(row.arch) as StoredArch,
    hash: row.hash,
    status: row.status,
    reward: row.reward,
    valAcc: row.val_acc,
    valLoss: row.val_loss,
    trainAcc: row.train_acc,
    params: row.params,
    macs: row.macs,
    epochsRun: row.epochs_run,
    durationSeconds: row.duration_s,
    backend: row.backend,
    worker: row.worker,
    error: row.error,
    duplicateOf: row.duplicate_of,
    hyper: JSON.parse(row.hyper) as TrialRecord['hyper'],
    attempts: row.attempts,
    createdAt: row.created_at,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
  };
}
