import type { SqliteDatabase } from '../open.js';
import type { ExperimentRow } from '../experiments.js';
import type { ExperimentListing } from './types.js';

/**
 * The experiments (all, or those with the given ids), without their trials' figures: counting trials scans the
 * trials table, which the dashboard does once and then keeps up to date from the new rows only.
 */
export function experimentListings(db: SqliteDatabase, ids?: readonly number[]): ExperimentListing[] {
  const rows = (
    ids
      ? db.prepare(`SELECT * FROM experiments WHERE id IN (SELECT value FROM json_each(?)) ORDER BY id`).all(JSON.stringify(ids))
      : db.prepare(`SELECT * FROM experiments ORDER BY id`).all()
  ) as ExperimentRow[];
  return rows.map((row) => ({
    id: row.id,
    name: row.name,
    dataset: row.dataset,
    space: row.space,
    strategy: row.strategy,
    seed: row.seed,
    config: parseConfig(row.config),
    configVersion: row.config_version ?? 1,
    status: row.status,
    message: row.message,
    wallSeconds: row.wall_seconds,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    finishedAt: row.finished_at,
    backend: row.backend ?? null,
  }));
}

/** A damaged config is shown as empty rather than failing the list of every experiment. */
function parseConfig(text: string): Record<string, unknown> {
  try {
    const config = JSON.parse(text) as unknown;
    return config !== null && typeof config === 'object' && !Array.isArray(config) ? (config as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}
