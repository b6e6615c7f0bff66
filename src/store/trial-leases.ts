import { leaseHasLapsed, type Lease, type LeaseHolder } from './leases.js';
import type { SqliteDatabase } from './open.js';
import { leaseOf, toTrialRecord, type TrialRow } from './trial-rows.js';
import type { TrialRecord } from './types.js';
import { writeTransaction } from './write-transaction.js';

const CLEAR_RUN = `status = 'queued', worker = NULL, started_at = NULL, lease_owner = NULL, lease_expires_at = NULL`;

/**
 * Who runs a trial: a running trial is leased to one holder until an expiry the holder keeps renewing.
 * A resume (or another process) takes back only the trials whose lease has lapsed (see leaseHasLapsed).
 * Reached as `store.trials`: Trials extends this class.
 */
export class TrialLeases {
  constructor(protected readonly db: SqliteDatabase) {}

  /**
   * Starts an attempt of a queued trial, or of a running one whose lease has lapsed: running under
   * `holder`'s lease for `ttlMs`, the epochs of an earlier attempt forgotten. Null when the trial is
   * finished or runs under a live lease (this holder's included).
   */
  acquire(trialId: number, holder: LeaseHolder, ttlMs: number): TrialRecord | null {
    return writeTransaction(this.db, () => {
      const row = this.row(trialId);
      const now = Date.now();
      if (!row || !isTakeable(row, now)) return null;
      this.db.prepare(`DELETE FROM epochs WHERE trial_id = ?`).run(trialId);
      this.db
        .prepare(
          `UPDATE trials SET status = 'running', worker = NULL, started_at = ?, attempts = attempts + 1,
             lease_owner = ?, lease_expires_at = ? WHERE id = ?`,
        )
        .run(new Date(now).toISOString(), holder.id, now + ttlMs, trialId);
      return toTrialRecord(this.row(trialId)!);
    });
  }

  /** Extends every lease `holder` has on a running trial to `ttlMs` from now. Returns how many. */
  renew(holder: LeaseHolder, ttlMs: number): number {
    return this.db
      .prepare(`UPDATE trials SET lease_expires_at = ? WHERE status = 'running' AND lease_owner = ?`)
      .run(Date.now() + ttlMs, holder.id).changes;
  }

  /** Puts a trial that `holder` runs back in the queue (on Ctrl-C). False when it does not hold it. */
  release(trialId: number, holder: LeaseHolder): boolean {
    const release = this.db.prepare(`UPDATE trials SET ${CLEAR_RUN} WHERE id = ? AND status = 'running' AND lease_owner = ?`);
    return release.run(trialId, holder.id).changes > 0;
  }

  /** Puts every running trial of the experiment whose lease has lapsed back in the queue. Returns how many. */
  reclaimLapsed(experimentId: number): number {
    return writeTransaction(this.db, () => {
      const running = this.db.prepare(`SELECT * FROM trials WHERE experiment_id = ? AND status = 'running'`).all(experimentId) as TrialRow[];
      const now = Date.now();
      const lapsed = running.filter((row) => leaseHasLapsed(leaseOf(row), now));
      const requeue = this.db.prepare(`UPDATE trials SET ${CLEAR_RUN} WHERE id = ?`);
      for (const row of lapsed) requeue.run(row.id);
      return lapsed.length;
    });
  }

  /** The lease a trial is held under; null when none (not running, or from before leases). */
  lease(trialId: number): Lease | null {
    const row = this.row(trialId);
    return row ? leaseOf(row) : null;
  }

  protected row(trialId: number): TrialRow | undefined {
    return this.db.prepare(`SELECT * FROM trials WHERE id = ?`).get(trialId) as TrialRow | undefined;
  }
}

function isTakeable(row: TrialRow, now: number): boolean {
  return row.status === 'queued' || (row.status === 'running' && leaseHasLapsed(leaseOf(row), now));
}
