import type { SqliteDatabase } from './open.js';
import type { ExperimentRecord, ExperimentStatus, ExperimentSummary, NewExperiment } from './types.js';

/** An experiments row as SQLite returns it (the read-only views read the same rows). */
export interface ExperimentRow {
  id: number;
  name: string;
  dataset: string;
  space: string;
  strategy: string;
  seed: number;
  config: string;
  status: ExperimentStatus;
  message: string | null;
  wall_seconds: number;
  created_at: string;
  updated_at: string;
  finished_at: string | null;
  /** Absent from a database older than migration 2 (read-only stores open those as they are). */
  config_version?: number;
  /** Absent before migration 3. */
  backend?: string | null;
}

const now = (): string => new Date().toISOString();

/** The experiments table. */
export class Experiments {
  constructor(private readonly db: SqliteDatabase) {}

  /** `backend`: what the run that creates it trains on (see setBackend). */
  create(input: NewExperiment & { backend?: string }): ExperimentRecord {
    const time = now();
    const { lastInsertRowid } = this.db
      .prepare(
        `INSERT INTO experiments (name, dataset, space, strategy, seed, config, config_version, backend, status, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'running', ?, ?)`,
      )
      .run(
        input.name, input.dataset, input.space, input.strategy, input.seed, JSON.stringify(input.config), input.configVersion,
        input.backend ?? null, time, time,
      );
    return this.byId(Number(lastInsertRowid))!;
  }

  byId(id: number): ExperimentRecord | undefined {
    const row = this.db.prepare(`SELECT * FROM experiments WHERE id = ?`).get(id) as ExperimentRow | undefined;
    return row && toRecord(row);
  }

  byName(name: string): ExperimentRecord | undefined {
    const row = this.db.prepare(`SELECT * FROM experiments WHERE name = ?`).get(name) as ExperimentRow | undefined;
    return row && toRecord(row);
  }

  /** The most recently created experiment, for commands run without --experiment. */
  latest(): ExperimentRecord | undefined {
    const row = this.db.prepare(`SELECT * FROM experiments ORDER BY id DESC LIMIT 1`).get() as ExperimentRow | undefined;
    return row && toRecord(row);
  }

  list(): ExperimentSummary[] {
    const rows = this.db
      .prepare(
        `SELECT e.*,
                (SELECT count(*) FROM trials t WHERE t.experiment_id = e.id) AS trial_count,
                (SELECT count(*) FROM trials t WHERE t.experiment_id = e.id
                   AND t.status NOT IN ('queued', 'running')) AS finished_count,
                (SELECT max(reward) FROM trials t WHERE t.experiment_id = e.id
                   AND t.status IN ('completed', 'pruned')) AS best_reward
         FROM experiments e ORDER BY e.id`,
      )
      .all() as (ExperimentRow & { trial_count: number; finished_count: number; best_reward: number | null })[];
    return rows.map((row) => ({
      ...toRecord(row),
      trials: row.trial_count,
      finished: row.finished_count,
      bestReward: row.best_reward,
    }));
  }

  /** Replaces the stored config; its version stays unless a new one is given. */
  updateConfig(id: number, config: Record<string, unknown>, configVersion?: number): void {
    this.db
      .prepare(`UPDATE experiments SET config = ?, config_version = coalesce(?, config_version), updated_at = ? WHERE id = ?`)
      .run(JSON.stringify(config), configVersion ?? null, now(), id);
  }

  /** Records the backend of the run that goes on with it (a resume may train on another one). */
  setBackend(id: number, backend: string): void {
    this.db.prepare(`UPDATE experiments SET backend = ?, updated_at = ? WHERE id = ?`).run(backend, now(), id);
  }

  /** The backend its last run trained on, as that run's header described it; null when unknown (older runs, fakes). */
  backendOf(id: number): string | null {
    const row = this.db.prepare(`SELECT * FROM experiments WHERE id = ?`).get(id) as ExperimentRow | undefined;
    return row?.backend ?? null;
  }

  setStatus(id: number, status: ExperimentStatus, message: string | null = null): void {
    const finishedAt = status === 'completed' || status === 'failed' ? now() : null;
    this.db
      .prepare(`UPDATE experiments SET status = ?, message = ?, updated_at = ?, finished_at = ? WHERE id = ?`)
      .run(status, message, now(), finishedAt, id);
  }

  addWallSeconds(id: number, seconds: number): void {
    this.db.prepare(`UPDATE experiments SET wall_seconds = wall_seconds + ?, updated_at = ? WHERE id = ?`).run(seconds, now(), id);
  }
}

function toRecord(row: ExperimentRow): ExperimentRecord {
  return {
    id: row.id,
    name: row.name,
    dataset: row.dataset,
    space: row.space,
    strategy: row.strategy,
    seed: row.seed,
    config: JSON.parse(row.config) as Record<string, unknown>,
    configVersion: row.config_version ?? 1,
    status: row.status,
    message: row.message,
    wallSeconds: row.wall_seconds,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    finishedAt: row.finished_at,
  };
}
