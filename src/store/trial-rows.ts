import { StoreError } from '../errors.js';
import type { Lease } from './leases.js';
import type { EpochRecord, StoredArch, TrialBudget, TrialRecord, TrialStatus } from './types.js';

/**
 * A row of the trials table as `SELECT *` returns it. The lease columns came with migration 2; a
 * read-only store on an older database gets rows without them.
 */
export interface TrialRow {
  id: number;
  experiment_id: number;
  seq: number;
  batch: number;
  decisions: string;
  arch: string;
  hash: string;
  status: TrialStatus;
  reward: number | null;
  val_acc: number | null;
  val_loss: number | null;
  train_acc: number | null;
  params: number | null;
  macs: number | null;
  epochs_run: number | null;
  duration_s: number | null;
  backend: string | null;
  worker: string | null;
  error: string | null;
  duplicate_of: number | null;
  hyper: string;
  attempts: number;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
  lease_owner?: string | null;
  lease_expires_at?: number | null;
}

export interface EpochRow {
  epoch: number;
  train_loss: number;
  train_acc: number;
  val_loss: number;
  val_acc: number;
  seconds: number;
}

/** SQLite stores NaN as NULL anyway; say so explicitly. */
export function finite(value: number | null | undefined): number | null {
  return value === null || value === undefined || !Number.isFinite(value) ? null : value;
}

export function leaseOf(row: TrialRow): Lease | null {
  if (row.lease_owner == null || row.lease_expires_at == null) return null;
  return { holder: row.lease_owner, expiresAt: row.lease_expires_at };
}

export function toEpochRecord(row: EpochRow): EpochRecord {
  return {
    epoch: row.epoch,
    trainLoss: row.train_loss,
    trainAcc: row.train_acc,
    valLoss: row.val_loss,
    valAcc: row.val_acc,
    seconds: row.seconds,
  };
}

export function toTrialRecord(row: TrialRow): TrialRecord {
  return {
    id: row.id,
    experimentId: row.experiment_id,
    seq: row.seq,
    batch: row.batch,
    decisions: parseColumn<number[]>(row.id, 'decisions', row.decisions),
    arch: parseColumn<StoredArch>(row.id, 'ARCH', row.arch),
    hash: row.hash,
    status: row.status,
    reward: row.reward,
    valAcc: row.val_acc,
    valLoss: row.val_loss,
    trainAcc: row.train_acc,
    params: row.params,
    macs: row.macs,
    epochsRun: row.epochs_run,
    durationSeconds: row.duration_s,
    backend: row.backend,
    worker: row.worker,
    error: row.error,
    duplicateOf: row.duplicate_of,
    // The column keeps its first name: it held the full hyperparameters before budgets.
    budget: parseColumn<TrialBudget>(row.id, 'budget', row.hyper),
    attempts: row.attempts,
    createdAt: row.created_at,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
  };
}

/** A JSON column of a trial; a damaged one is a one-line StoreError, not a crash of every reader. */
function parseColumn<T>(trialId: number, column: string, text: string): T {
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new StoreError(`trial ${trialId}: its stored ${column} is damaged (not JSON)`);
  }
}
