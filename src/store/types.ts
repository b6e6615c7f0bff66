/** Records as the store returns them: camelCase, JSON columns parsed. */
import type { Arch } from '../space/types.js';
import type { Diagnostics } from '../controller/types.js';

export type ExperimentStatus = 'running' | 'stopped' | 'completed' | 'failed';
export type TrialStatus = 'queued' | 'running' | 'completed' | 'failed' | 'pruned' | 'duplicate';
export type StatePhase = 'initial' | 'asked' | 'told';

/** An ARCH for layer spaces, a cell string for NAS-Bench-201. */
export type StoredArch = Arch | string;

export interface NewExperiment {
  name: string;
  dataset: string;
  space: string;
  strategy: string;
  seed: number;
  /** The search configuration, as the search module serialised it. */
  config: Record<string, unknown>;
  /** The version of that serialisation, so a later nas can read (or refuse) an older config. */
  configVersion: number;
}

export interface ExperimentRecord extends NewExperiment {
  id: number;
  status: ExperimentStatus;
  message: string | null;
  wallSeconds: number;
  createdAt: string;
  updatedAt: string;
  finishedAt: string | null;
}

export interface ExperimentSummary extends ExperimentRecord {
  trials: number;
  finished: number;
  bestReward: number | null;
}

/**
 * What one trial was given to train with: its epochs and seed, and whatever other settings the evaluator
 * recorded (rows written before budgets existed hold a full hyperparameter object, which has both).
 */
export interface TrialBudget {
  epochs: number;
  seed: number;
  [setting: string]: unknown;
}

export interface NewTrial {
  seq: number;
  decisions: number[];
  arch: StoredArch;
  hash: string;
  budget: TrialBudget;
  params?: number;
  macs?: number;
}

export interface TrialRecord {
  id: number;
  experimentId: number;
  seq: number;
  batch: number;
  decisions: number[];
  arch: StoredArch;
  hash: string;
  status: TrialStatus;
  reward: number | null;
  valAcc: number | null;
  valLoss: number | null;
  trainAcc: number | null;
  params: number | null;
  macs: number | null;
  epochsRun: number | null;
  durationSeconds: number | null;
  backend: string | null;
  worker: string | null;
  error: string | null;
  /** seq of the trial whose stored result a duplicate reuses. */
  duplicateOf: number | null;
  budget: TrialBudget;
  attempts: number;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
}

/** The end of a trial: what `finishTrial` writes. */
export interface TrialResult {
  status: Exclude<TrialStatus, 'queued' | 'running'>;
  reward: number;
  valAcc?: number | null;
  valLoss?: number | null;
  trainAcc?: number | null;
  params?: number | null;
  epochsRun?: number | null;
  durationSeconds?: number | null;
  backend?: string | null;
  worker?: string | null;
  error?: string | null;
  duplicateOf?: number | null;
}

export interface ControllerState {
  batch: number;
  phase: StatePhase;
  trialsConsumed: number;
  strategy: string;
  state: Uint8Array;
}

export interface ControllerUpdate {
  batch: number;
  trialsConsumed: number;
  diagnostics: Diagnostics;
  createdAt: string;
}

/** One row of the epochs table: a trial's metrics after one epoch. */
export interface EpochRecord {
  epoch: number;
  trainLoss: number;
  trainAcc: number;
  valLoss: number;
  valAcc: number;
  seconds: number;
}

/** A model scored on the test set (a NaN loss is stored as NULL and read back as NaN). */
export interface TestEvaluation {
  accuracy: number;
  loss: number;
  confusion: number[][];
  perClass: { precision: number; recall: number; f1: number; support: number }[];
}

export interface NewReplay {
  trialId: number | null;
  arch: StoredArch;
  dataset: string;
  epochs: number;
  /** The training settings of the replay, as the caller chose them. */
  settings: Record<string, unknown>;
  evaluation: TestEvaluation;
  modelPath: string | null;
  backend: string | null;
  seconds: number | null;
}

export interface ReplayRecord extends NewReplay {
  id: number;
  createdAt: string;
}
