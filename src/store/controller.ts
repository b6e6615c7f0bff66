import type { Diagnostics } from '../controller/types.js';
import type { SqliteDatabase } from './open.js';
import type { ControllerState, ControllerUpdate, StatePhase } from './types.js';

interface StateRow {
  batch: number;
  phase: StatePhase;
  trials_consumed: number;
  strategy: string;
  state: Buffer;
}

/** The controller_states (snapshots) and controller_updates (diagnostics) tables. */
export class ControllerLog {
  constructor(private readonly db: SqliteDatabase) {}

  saveState(experimentId: number, snapshot: ControllerState): void {
    this.db
      .prepare(
        `INSERT INTO controller_states (experiment_id, batch, phase, trials_consumed, strategy, state, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        experimentId,
        snapshot.batch,
        snapshot.phase,
        snapshot.trialsConsumed,
        snapshot.strategy,
        Buffer.from(snapshot.state),
        new Date().toISOString(),
      );
  }

  latestState(experimentId: number): ControllerState | undefined {
    const row = this.db
      .prepare(`SELECT * FROM controller_states WHERE experiment_id = ? ORDER BY id DESC LIMIT 1`)
      .get(experimentId) as StateRow | undefined;
    if (!row) return undefined;
    return {
      batch: row.batch,
      phase: row.phase,
      trialsConsumed: row.trials_consumed,
      strategy: row.strategy,
      state: new Uint8Array(row.state),
    };
  }

  /** Drops snapshots older than the latest `keep` of an experiment (every one stays resumable from the latest). */
  pruneStates(experimentId: number, keep: number): void {
    this.db
      .prepare(
        `DELETE FROM controller_states WHERE experiment_id = ? AND id NOT IN
           (SELECT id FROM controller_states WHERE experiment_id = ? ORDER BY id DESC LIMIT ?)`,
      )
      .run(experimentId, experimentId, keep);
  }

  recordUpdate(experimentId: number, batch: number, trialsConsumed: number, diagnostics: Diagnostics): void {
    this.db
      .prepare(
        `INSERT INTO controller_updates
           (experiment_id, batch, trials_consumed, step, mean_reward, baseline, entropy, diagnostics, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        experimentId,
        batch,
        trialsConsumed,
        diagnostics.step ?? null,
        numberOrNull(diagnostics.meanReward),
        numberOrNull(diagnostics.baseline),
        numberOrNull(diagnostics.entropy),
        JSON.stringify(diagnostics),
        new Date().toISOString(),
      );
  }

  updates(experimentId: number): ControllerUpdate[] {
    const rows = this.db
      .prepare(`SELECT batch, trials_consumed, diagnostics, created_at FROM controller_updates WHERE experiment_id = ? ORDER BY batch`)
      .all(experimentId) as { batch: number; trials_consumed: number; diagnostics: string; created_at: string }[];
    return rows.map((row) => ({
      batch: row.batch,
      trialsConsumed: row.trials_consumed,
      diagnostics: JSON.parse(row.diagnostics) as Diagnostics,
      createdAt: row.created_at,
    }));
  }
}

function numberOrNull(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}
