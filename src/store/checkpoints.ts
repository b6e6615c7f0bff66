import type { SqliteDatabase } from './open.js';
import { writeTransaction } from './write-transaction.js';

/** Checkpoints kept per experiment: resume needs the one before the first trial it re-runs. */
const KEPT = 3;

export interface EvaluatorCheckpoint {
  afterSeq: number;
  steps: number;
  state: Uint8Array;
}

/** The evaluator_checkpoints table: an evaluator's state after a trial, by experiment and sequence number. */
export class EvaluatorCheckpoints {
  constructor(private readonly db: SqliteDatabase) {}

  /** Saves the state after trial `afterSeq` (replacing one saved after it before), and drops all but the latest few. */
  save(experimentId: number, checkpoint: EvaluatorCheckpoint): void {
    writeTransaction(this.db, () => {
      this.db
        .prepare('INSERT OR REPLACE INTO evaluator_checkpoints (experiment_id, after_seq, steps, state, created_at) VALUES (?, ?, ?, ?, ?)')
        .run(experimentId, checkpoint.afterSeq, checkpoint.steps, Buffer.from(checkpoint.state.buffer, checkpoint.state.byteOffset, checkpoint.state.byteLength), new Date().toISOString());
      this.db
        .prepare(
          `DELETE FROM evaluator_checkpoints WHERE experiment_id = ? AND after_seq NOT IN
             (SELECT after_seq FROM evaluator_checkpoints WHERE experiment_id = ? ORDER BY after_seq DESC LIMIT ?)`,
        )
        .run(experimentId, experimentId, KEPT);
    });
  }

  /** The latest checkpoint saved after a trial before `seq`. */
  before(experimentId: number, seq: number): EvaluatorCheckpoint | undefined {
    const row = this.db
      .prepare('SELECT after_seq, steps, state FROM evaluator_checkpoints WHERE experiment_id = ? AND after_seq < ? ORDER BY after_seq DESC LIMIT 1')
      .get(experimentId, seq) as { after_seq: number; steps: number; state: Buffer } | undefined;
    return row && { afterSeq: row.after_seq, steps: row.steps, state: new Uint8Array(row.state) };
  }

  /** The latest checkpoint's step count (for progress and `nas experiments`), or null. */
  latestSteps(experimentId: number): number | null {
    const row = this.db.prepare('SELECT steps FROM evaluator_checkpoints WHERE experiment_id = ? ORDER BY after_seq DESC LIMIT 1').get(experimentId) as { steps: number } | undefined;
    return row?.steps ?? null;
  }
}
