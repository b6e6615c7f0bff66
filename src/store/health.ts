import { DatabaseError } from '../errors.js';
import { leaseHasLapsed } from './leases.js';
import type { SqliteDatabase } from './open.js';
import { hasSchemaTable, schemaVersion } from './open-checks.js';
import { openReadOnlyDatabase } from './open-read-only.js';
import { MIGRATIONS } from './schema.js';
import { leaseOf, type TrialRow } from './trial-rows.js';

/**
 * What `nas db check` finds, read through a read-only connection (nothing is written): SQLite's integrity
 * check, the schema version against this nas's, and the experiments left in status 'running'.
 */
export interface HealthReport {
  file: string;
  /** SQLite's findings (at most MAX_FINDINGS), or the error that stopped the reading; empty when intact. */
  damage: string[];
  /** The damage is confined to indexes (REINDEX rebuilds them from the tables). */
  indexesOnly: boolean;
  /** Null when the damage stopped the check before it got there. */
  schema: { version: number; known: number } | null;
  running: RunningExperiment[];
}

/** An experiment in status 'running'; `stuck` when no process is running it (see ownerIsGone). */
export interface RunningExperiment {
  name: string;
  stuck: boolean;
  trials: number;
  finished: number;
  /** Trials in status 'running': their leases have all lapsed when the experiment is stuck. */
  runningTrials: number;
  liveLeases: number;
  /** The newest time it, its trials or its strategy's states were written (ISO). */
  lastWrite: string;
}

/** How long a search may write nothing and hold no lease, yet be alive: between trials, a strategy update. */
export const QUIET_MS = 60_000;
const MAX_FINDINGS = 20;

export function checkHealth(file: string, now = Date.now()): HealthReport {
  const report: HealthReport = { file, damage: [], indexesOnly: false, schema: null, running: [] };
  let db: SqliteDatabase;
  try {
    db = openReadOnlyDatabase(file, { anySchema: true });
  } catch (error) {
    return damagedOrThrow(report, error);
  }
  try {
    report.damage = nameTrees(db, integrityFindings(db));
    report.indexesOnly = report.damage.length > 0 && report.damage.every((finding) => /\bindex\b/.test(finding));
    report.schema = { version: hasSchemaTable(db) ? schemaVersion(db) : 0, known: MIGRATIONS.length };
    report.running = runningExperiments(db, now);
    return report;
  } catch (error) {
    return damagedOrThrow(report, error);
  } finally {
    db.close();
  }
}

/** A damaged file is a finding of the check (the first one only: later reads fail on the same damage); any other failure is the check's own. */
function damagedOrThrow(report: HealthReport, error: unknown): HealthReport {
  const damage = damageOf(error);
  if (report.damage.length === 0) report.damage.push(damage);
  return report;
}

/** "CODE: what SQLite said" of a damaged file's error; any other error is thrown on. */
function damageOf(error: unknown): string {
  if (!(error instanceof DatabaseError) || error.failure !== 'damaged') throw error;
  return `${error.code}: ${error.detail}`;
}

/** SQLite's integrity check; when the damage stops it, each table's, to say where the damage is. */
function integrityFindings(db: SqliteDatabase): string[] {
  try {
    return integrityCheck(db, null);
  } catch (error) {
    const damage = damageOf(error);
    const tables = db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name`).pluck().all() as string[];
    const findings = tables.flatMap((table) => tableFindings(db, table));
    return findings.length > 0 ? findings : [damage];
  }
}

function tableFindings(db: SqliteDatabase, table: string): string[] {
  try {
    return integrityCheck(db, table).map((finding) => `table ${table}: ${finding}`);
  } catch (error) {
    const damage = damageOf(error);
    const unreadable = unreadableTrees(db, table);
    return unreadable.length > 0 ? unreadable : [`table ${table}: ${damage}`];
  }
}

/** Reads the table's b-tree and each of its indexes' on their own: which of them the damage is in. */
function unreadableTrees(db: SqliteDatabase, table: string): string[] {
  const indexes = db.prepare(`SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = ?`).pluck().all(table) as string[];
  const reads: [string, string][] = [
    [`table ${table}`, `SELECT * FROM ${quoted(table)} NOT INDEXED`],
    ...indexes.map((index): [string, string] => [`index ${index}`, `SELECT count(*) FROM ${quoted(table)} INDEXED BY ${quoted(index)}`]),
  ];
  return reads.flatMap(([tree, sql]) => {
    try {
      for (const _row of db.prepare(sql).iterate());
      return [];
    } catch (error) {
      return [`${tree}: ${damageOf(error)}`];
    }
  });
}

function quoted(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** One finding a line, without SQLite's header; "Tree 8" (a b-tree by its root page) with its table or index. */
function nameTrees(db: SqliteDatabase, findings: string[]): string[] {
  const trees = db.prepare(`SELECT rootpage, type, name FROM sqlite_master WHERE rootpage > 0`).all() as { rootpage: number; type: string; name: string }[];
  const treeName = new Map(trees.map((tree) => [tree.rootpage, `${tree.type} ${tree.name}`]));
  return findings
    .flatMap((finding) => finding.split('\n'))
    .filter((line) => line.trim() !== '' && !/^\*\*\* in database \w+ \*\*\*$/.test(line))
    .map((line) => line.replace(/^Tree (\d+)/, (tree, root: string) => `${tree} (${treeName.get(Number(root)) ?? 'no table or index'})`));
}

/** The findings of PRAGMA integrity_check, of the whole file or of one table and its indexes; [] when intact. */
function integrityCheck(db: SqliteDatabase, table: string | null): string[] {
  const findings = db.prepare(`PRAGMA integrity_check(${table === null ? MAX_FINDINGS : quoted(table)})`).pluck().all() as string[];
  return findings.length === 1 && findings[0] === 'ok' ? [] : findings;
}

interface ExperimentRow {
  id: number;
  name: string;
  trials: number;
  finished: number;
  last_write: string;
}

function runningExperiments(db: SqliteDatabase, now: number): RunningExperiment[] {
  const rows = db
    .prepare(
      `SELECT e.id, e.name,
              (SELECT count(*) FROM trials t WHERE t.experiment_id = e.id) AS trials,
              (SELECT count(*) FROM trials t WHERE t.experiment_id = e.id AND t.status NOT IN ('queued', 'running')) AS finished,
              max(e.updated_at,
                  coalesce((SELECT max(max(created_at, coalesce(started_at, ''), coalesce(finished_at, ''))) FROM trials t
                            WHERE t.experiment_id = e.id), ''),
                  coalesce((SELECT max(created_at) FROM controller_states c WHERE c.experiment_id = e.id), '')) AS last_write
       FROM experiments e WHERE e.status = 'running' ORDER BY e.id`,
    )
    .all() as ExperimentRow[];
  return rows.map((row) => runningExperiment(db, row, now));
}

function runningExperiment(db: SqliteDatabase, row: ExperimentRow, now: number): RunningExperiment {
  const running = db.prepare(`SELECT * FROM trials WHERE experiment_id = ? AND status = 'running'`).all(row.id) as TrialRow[];
  const liveLeases = running.filter((trial) => !leaseHasLapsed(leaseOf(trial), now)).length;
  return {
    name: row.name,
    stuck: ownerIsGone(running.length, liveLeases, row.last_write, now),
    trials: row.trials,
    finished: row.finished,
    runningTrials: running.length,
    liveLeases,
    lastWrite: row.last_write,
  };
}

/**
 * No experiment row names the process that runs it; its trials' leases do (leases.ts). A search holds a
 * live lease on every trial it evaluates, and between trials it writes within moments (a result, the next
 * batch, the strategy's update). So a 'running' experiment has no live owner when none of its trials holds a
 * live lease, and either some trial is left 'running' under a lapsed lease (its holder died, or stopped
 * renewing, and a resume would take it back) or nothing has been written for QUIET_MS.
 */
function ownerIsGone(runningTrials: number, liveLeases: number, lastWrite: string, now: number): boolean {
  if (liveLeases > 0) return false;
  return runningTrials > 0 || now - Date.parse(lastWrite) >= QUIET_MS;
}
