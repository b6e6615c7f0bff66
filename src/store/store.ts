import type { Diagnostics } from '../controller/types.js';
import { EvaluatorCheckpoints } from './checkpoints.js';
import { ControllerLog } from './controller.js';
import { Experiments } from './experiments.js';
import { openDatabase, type OpenOptions, type SqliteDatabase } from './open.js';
import { openReadOnlyDatabase, type ReadOnlyOptions } from './open-read-only.js';
import { hasSchemaTable } from './open-checks.js';
import { Replays } from './replays.js';
import { Trials } from './trials.js';
import { writeTransaction } from './write-transaction.js';
import { StoreError } from '../errors.js';
import type { ControllerState, ExperimentRecord, NewTrial, TrialRecord, TrialResult } from './types.js';

export const DEFAULT_DB_FILE = 'results.db';

/** Snapshots kept per experiment: the latest is the only one resume needs; a few more help post-mortems. */
const SNAPSHOTS_KEPT = 4;

export interface BatchCommit {
  experimentId: number;
  batch: number;
  /** Results not yet committed (usually the batch's last trial). */
  results: { trialId: number; result: TrialResult }[];
  /** The strategy's diagnostics for this update, when it updated. */
  diagnostics: Diagnostics | null;
  /** The strategy's state after it consumed this batch. */
  snapshot: ControllerState;
  /** Runs inside the transaction, last (tests use it to die mid-commit). */
  beforeCommit?: () => void;
}

/**
 * The one owner of SQL in nas: every table, behind methods; multi-table writes are single transactions. A
 * failure of the file itself (disk full, damaged, I/O error, read-only, locked) comes out of any of them, and
 * out of the opens, as a DatabaseError naming `file` (see guard.ts).
 */
export class Store {
  readonly experiments: Experiments;
  readonly trials: Trials;
  readonly controller: ControllerLog;
  readonly replays: Replays;
  readonly checkpoints: EvaluatorCheckpoints;

  private constructor(
    private readonly db: SqliteDatabase,
    readonly file: string,
  ) {
    this.experiments = new Experiments(db);
    this.trials = new Trials(db);
    this.controller = new ControllerLog(db);
    this.replays = new Replays(db);
    this.checkpoints = new EvaluatorCheckpoints(db);
  }

  /** Opens (or with create, creates) a results database; a file that is not one is a StoreError, left untouched. */
  static open(file: string, options: OpenOptions): Store {
    return new Store(openDatabase(file, options), file);
  }

  /** Opens a results database for the commands that only read: no migration, nothing written; writes throw. */
  static openReadOnly(file: string, options: ReadOnlyOptions = {}): Store {
    return new Store(openReadOnlyDatabase(file, options), file);
  }

  /** False for a database whose schema another process has yet to commit (opened with allowEmpty). */
  get holdsResults(): boolean {
    return hasSchemaTable(this.db);
  }

  get readOnly(): boolean {
    return this.db.readonly;
  }

  /** Runs `work` in one write transaction (taking the write lock at once, so it never deadlocks on upgrade). */
  transaction<T>(work: () => T): T {
    return writeTransaction(this.db, work);
  }

  /** Records a batch of proposals as queued trials together with the strategy state that proposed them. */
  queueBatch(experimentId: number, batch: number, trials: readonly NewTrial[], snapshot: ControllerState): TrialRecord[] {
    return this.transaction(() => {
      const queued = this.trials.insertQueued(experimentId, batch, trials);
      this.controller.saveState(experimentId, snapshot);
      return queued;
    });
  }

  /** Commits trial results with the strategy state after the update that consumed them: all or nothing. */
  commitBatch(commit: BatchCommit): void {
    this.transaction(() => {
      for (const { trialId, result } of commit.results) this.trials.finish(trialId, result);
      if (commit.diagnostics) {
        this.controller.recordUpdate(commit.experimentId, commit.batch, commit.snapshot.trialsConsumed, commit.diagnostics);
      }
      this.controller.saveState(commit.experimentId, commit.snapshot);
      this.controller.pruneStates(commit.experimentId, SNAPSHOTS_KEPT);
      commit.beforeCommit?.();
    });
  }

  /** The named experiment, or without a name the latest one; a StoreError when there is none. */
  findExperiment(name?: string): ExperimentRecord {
    const experiment = name === undefined ? this.experiments.latest() : this.experiments.byName(name);
    if (experiment) return experiment;
    throw new StoreError(
      name === undefined ? `no experiments in ${this.file} yet (run nas search first)` : `no experiment named '${name}' in ${this.file} (see nas experiments)`,
    );
  }

  /** A trial by id ('17') or by experiment and sequence number ('my-search:5'); a StoreError when there is none. */
  findTrial(reference: string): TrialRecord {
    const byId = /^\d+$/.test(reference);
    const bySeq = /^(.+):(\d+)$/.exec(reference);
    if (!byId && !bySeq) throw new StoreError(`'${reference}' is not a trial reference (a trial id, or EXPERIMENT:SEQ)`);
    const trial = byId
      ? this.trials.byId(Number(reference))
      : this.trials.bySeq(this.findExperiment(bySeq![1]).id, Number(bySeq![2]));
    if (!trial) throw new StoreError(`no trial ${reference} in ${this.file} (see nas trials)`);
    return trial;
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}
