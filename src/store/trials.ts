import { finite, toEpochRecord, toTrialRecord, type EpochRow, type TrialRow } from './trial-rows.js';
import { TrialLeases } from './trial-leases.js';
import type { EpochRecord, NewTrial, TrialRecord, TrialResult, TrialStatus } from './types.js';

const now = (): string => new Date().toISOString();

/** Statuses of a trial that has its final result. */
export const FINISHED_STATUSES: readonly TrialStatus[] = ['completed', 'failed', 'pruned', 'duplicate'];

/** The trials and epochs tables; the lease methods (acquire, renew, release, reclaimLapsed) are TrialLeases'. */
export class Trials extends TrialLeases {
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
        JSON.stringify(trial.budget),
        time,
      );
    }
    return this.ofBatch(experimentId, batch);
  }

  recordEpoch(trialId: number, epoch: EpochRecord): void {
    this.db
      .prepare(
        `INSERT OR REPLACE INTO epochs (trial_id, epoch, train_loss, train_acc, val_loss, val_acc, seconds)
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(trialId, epoch.epoch, finite(epoch.trainLoss), finite(epoch.trainAcc), finite(epoch.valLoss), finite(epoch.valAcc), epoch.seconds);
  }

  /** Writes a trial's result; the trial is no longer leased. */
  finish(trialId: number, result: TrialResult): void {
    this.db
      .prepare(
        `UPDATE trials SET status = ?, reward = ?, val_acc = ?, val_loss = ?, train_acc = ?,
           params = coalesce(?, params), epochs_run = ?, duration_s = ?, backend = ?, worker = coalesce(?, worker),
           error = ?, duplicate_of = ?, finished_at = ?, lease_owner = NULL, lease_expires_at = NULL
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

  byId(id: number): TrialRecord | undefined {
    const row = this.row(id);
    return row && toTrialRecord(row);
  }

  bySeq(experimentId: number, seq: number): TrialRecord | undefined {
    const row = this.db.prepare(`SELECT * FROM trials WHERE experiment_id = ? AND seq = ?`).get(experimentId, seq) as
      | TrialRow
      | undefined;
    return row && toTrialRecord(row);
  }

  /** Every trial of an experiment in sequence order. */
  list(experimentId: number): TrialRecord[] {
    const rows = this.db.prepare(`SELECT * FROM trials WHERE experiment_id = ? ORDER BY seq`).all(experimentId) as TrialRow[];
    return rows.map(toTrialRecord);
  }

  ofBatch(experimentId: number, batch: number): TrialRecord[] {
    const rows = this.db
      .prepare(`SELECT * FROM trials WHERE experiment_id = ? AND batch = ? ORDER BY seq`)
      .all(experimentId, batch) as TrialRow[];
    return rows.map(toTrialRecord);
  }

  /** The trials with the highest reward that were trained (not duplicates, not failures). */
  top(experimentId: number, count: number): TrialRecord[] {
    const rows = this.db
      .prepare(
        `SELECT * FROM trials WHERE experiment_id = ? AND status IN ('completed', 'pruned') AND reward IS NOT NULL
         ORDER BY reward DESC, val_acc DESC, seq LIMIT ?`,
      )
      .all(experimentId, count) as TrialRow[];
    return rows.map(toTrialRecord);
  }

  /** The trained trial (completed, pruned or failed) with this canonical hash, if any, earliest first. */
  evaluatedByHash(experimentId: number, hash: string, beforeSeq: number): TrialRecord | undefined {
    const row = this.db
      .prepare(
        `SELECT * FROM trials WHERE experiment_id = ? AND hash = ? AND seq < ?
           AND status IN ('completed', 'pruned', 'failed') ORDER BY seq LIMIT 1`,
      )
      .get(experimentId, hash, beforeSeq) as TrialRow | undefined;
    return row && toTrialRecord(row);
  }

  /** Validation accuracy at `epoch` of the trials of batches before `beforeBatch` with one of `statuses` (for pruning). */
  valAccAtEpoch(experimentId: number, epoch: number, beforeBatch: number, statuses: readonly TrialStatus[] = ['completed']): number[] {
    const rows = this.db
      .prepare(
        `SELECT e.val_acc AS v FROM epochs e JOIN trials t ON t.id = e.trial_id
         WHERE t.experiment_id = ? AND t.batch < ? AND t.status IN (SELECT value FROM json_each(?)) AND e.epoch = ?
           AND e.val_acc IS NOT NULL`,
      )
      .all(experimentId, beforeBatch, JSON.stringify(statuses), epoch) as { v: number }[];
    return rows.map((row) => row.v);
  }

  epochs(trialId: number): EpochRecord[] {
    const rows = this.db.prepare(`SELECT * FROM epochs WHERE trial_id = ? ORDER BY epoch`).all(trialId) as EpochRow[];
    return rows.map(toEpochRecord);
  }
}
