import type { SqliteDatabase } from '../open.js';
import { openReadOnlyDatabase, type ReadOnlyOptions } from '../open-read-only.js';
import { Replays } from '../replays.js';
import { Trials } from '../trials.js';
import type { EpochRecord, ReplayRecord, TrialRecord } from '../types.js';
import { archJson, controllerPoints, epochPoints, trialLines } from './lines.js';
import { experimentListings } from './overview.js';
import type { ControllerPoint, EpochPoint, ExperimentListing, TrialLine } from './types.js';

/**
 * The read-only views behind `nas dashboard` and `nas report`, on a connection opened like Store.openReadOnly's
 * (openReadOnlyDatabase: no migration, nothing written, WAL read marks only). Every method is one short
 * statement, in its own read transaction: a running search is never blocked, and the next call sees its
 * latest commit. `dataVersion()` tells when another connection has committed since the last call.
 */
export class ResultsReader {
  private readonly trialsTable: Trials;
  private readonly replaysTable: Replays;

  private constructor(
    private readonly db: SqliteDatabase,
    readonly file: string,
  ) {
    this.trialsTable = new Trials(db);
    this.replaysTable = new Replays(db);
  }

  /** Opens a results database read-only (a missing, foreign or newer file is a StoreError, as for the other readers). */
  static open(file: string, options: ReadOnlyOptions = {}): ResultsReader {
    return new ResultsReader(openReadOnlyDatabase(file, options), file);
  }

  /** SQLite's change counter: it changes when another connection commits (PRAGMA data_version). */
  dataVersion(): number {
    return this.db.pragma('data_version', { simple: true }) as number;
  }

  /** Every experiment, or those with the given ids, in id order (one short query: no trial is read). */
  experiments(ids?: readonly number[]): ExperimentListing[] {
    return experimentListings(this.db, ids);
  }

  /** The trials of an experiment from sequence number `fromSeq` on (see trialLines). */
  trialLines(experimentId: number, fromSeq = 0): TrialLine[] {
    return trialLines(this.db, experimentId, fromSeq);
  }

  /** The stored ARCH JSON of the given trials, by id. */
  archJson(trialIds: readonly number[]): Map<number, string> {
    return archJson(this.db, trialIds);
  }

  /** The strategy's updates from batch `fromBatch` on. */
  controllerPoints(experimentId: number, fromBatch = 0): ControllerPoint[] {
    return controllerPoints(this.db, experimentId, fromBatch);
  }

  /** The per-epoch metrics of several trials at once. */
  epochPoints(trialIds: readonly number[]): EpochPoint[] {
    return epochPoints(this.db, trialIds);
  }

  trial(id: number): TrialRecord | undefined {
    return this.trialsTable.byId(id);
  }

  trialBySeq(experimentId: number, seq: number): TrialRecord | undefined {
    return this.trialsTable.bySeq(experimentId, seq);
  }

  epochs(trialId: number): EpochRecord[] {
    return this.trialsTable.epochs(trialId);
  }

  replays(trialId: number): ReplayRecord[] {
    return this.replaysTable.forTrial(trialId);
  }

  /** The ids of the trials that have a replay, among the given experiments. */
  replayedTrialIds(experimentIds: readonly number[]): number[] {
    const rows = this.db
      .prepare(
        `SELECT DISTINCT r.trial_id AS id FROM replays r JOIN trials t ON t.id = r.trial_id
         WHERE t.experiment_id IN (SELECT value FROM json_each(?)) ORDER BY r.trial_id`,
      )
      .all(JSON.stringify(experimentIds)) as { id: number }[];
    return rows.map((row) => row.id);
  }

  get open(): boolean {
    return this.db.open;
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}
