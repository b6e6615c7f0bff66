import type { SqliteDatabase } from '../open.js';
import type { TrialStatus } from '../types.js';
import type { ControllerPoint, EpochPoint, TrialLine } from './types.js';

interface LineRow {
  id: number;
  seq: number;
  batch: number;
  status: TrialStatus;
  reward: number | null;
  val_acc: number | null;
  val_loss: number | null;
  params: number | null;
  macs: number | null;
  epochs_run: number | null;
  duration_s: number | null;
  finished_at: string | null;
  hash: string;
  duplicate_of: number | null;
}

/**
 * The trials of an experiment from sequence number `fromSeq` on, in sequence order, without their ARCHs (most
 * of a row's bytes: see archJson). A finished trial never changes, so a reader that keeps what it read asks
 * only from its first unfinished trial on.
 */
export function trialLines(db: SqliteDatabase, experimentId: number, fromSeq = 0): TrialLine[] {
  const rows = db
    .prepare(
      `SELECT id, seq, batch, status, reward, val_acc, val_loss, params, macs, epochs_run, duration_s, finished_at, hash, duplicate_of
       FROM trials WHERE experiment_id = ? AND seq >= ? ORDER BY seq`,
    )
    .all(experimentId, fromSeq) as LineRow[];
  return rows.map((row) => ({
    id: row.id,
    seq: row.seq,
    batch: row.batch,
    status: row.status,
    reward: row.reward,
    valAcc: row.val_acc,
    valLoss: row.val_loss,
    params: row.params,
    macs: row.macs,
    epochsRun: row.epochs_run,
    durationSeconds: row.duration_s,
    finishedAt: row.finished_at,
    hash: row.hash,
    duplicateOf: row.duplicate_of,
  }));
}

/** The ARCHs of the given trials as stored (JSON text), by trial id: a page parses only those it shows. */
export function archJson(db: SqliteDatabase, trialIds: readonly number[]): Map<number, string> {
  if (trialIds.length === 0) return new Map();
  const rows = db
    .prepare(`SELECT id, arch FROM trials WHERE id IN (SELECT value FROM json_each(?))`)
    .all(JSON.stringify(trialIds)) as { id: number; arch: string }[];
  return new Map(rows.map((row) => [row.id, row.arch]));
}

interface UpdateRow {
  batch: number;
  trials_consumed: number;
  created_at: string;
  mean_reward: number | null;
  baseline: number | null;
  entropy: number | null;
  diagnostics: string;
}

/** The strategy's updates of an experiment from batch `fromBatch` on (an update is never rewritten). */
export function controllerPoints(db: SqliteDatabase, experimentId: number, fromBatch = 0): ControllerPoint[] {
  const rows = db
    .prepare(
      `SELECT batch, trials_consumed, created_at, mean_reward, baseline, entropy, diagnostics
       FROM controller_updates WHERE experiment_id = ? AND batch >= ? ORDER BY batch`,
    )
    .all(experimentId, fromBatch) as UpdateRow[];
  return rows.map((row) => {
    const diagnostics = parseOrNull<Record<string, unknown>>(row.diagnostics) ?? {};
    const perDecision = diagnostics['entropyPerDecision'];
    return {
      batch: row.batch,
      trialsConsumed: row.trials_consumed,
      createdAt: row.created_at,
      meanReward: row.mean_reward,
      baseline: row.baseline,
      entropy: row.entropy,
      entropyPerDecision: Array.isArray(perDecision) ? perDecision.map((v) => (typeof v === 'number' ? v : 0)) : [],
      collapseWarning: diagnostics['collapseWarning'] === true,
    };
  });
}

interface EpochRow {
  trial_id: number;
  epoch: number;
  train_loss: number | null;
  train_acc: number | null;
  val_loss: number | null;
  val_acc: number | null;
  seconds: number | null;
}

/** The per-epoch metrics of the given trials, by trial then epoch (one query, whatever their number). */
export function epochPoints(db: SqliteDatabase, trialIds: readonly number[]): EpochPoint[] {
  if (trialIds.length === 0) return [];
  const rows = db
    .prepare(
      `SELECT trial_id, epoch, train_loss, train_acc, val_loss, val_acc, seconds FROM epochs
       WHERE trial_id IN (SELECT value FROM json_each(?)) ORDER BY trial_id, epoch`,
    )
    .all(JSON.stringify(trialIds)) as EpochRow[];
  return rows.map((row) => ({
    trialId: row.trial_id,
    epoch: row.epoch,
    trainLoss: row.train_loss,
    trainAcc: row.train_acc,
    valLoss: row.val_loss,
    valAcc: row.val_acc,
    seconds: row.seconds,
  }));
}

function parseOrNull<T>(text: string): T | null {
  try {
    return JSON.parse(text) as T;
  } catch {
    return null;
  }
}
