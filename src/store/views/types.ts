/** What the read-only views return: plain rows for the dashboard and the report, JSON columns parsed. */
import type { ExperimentRecord, TrialStatus } from '../types.js';

/** An experiment as stored, with the backend its last run trained on (null when unknown). */
export interface ExperimentListing extends ExperimentRecord {
  backend: string | null;
}

/** One trial as the plots and the trial table need it: no decisions, no budget. */
export interface TrialLine {
  id: number;
  seq: number;
  batch: number;
  status: TrialStatus;
  reward: number | null;
  valAcc: number | null;
  valLoss: number | null;
  params: number | null;
  macs: number | null;
  epochsRun: number | null;
  durationSeconds: number | null;
  finishedAt: string | null;
  hash: string;
  duplicateOf: number | null;
}

/** One update of the strategy, from its stored diagnostics (fields a strategy did not report are null). */
export interface ControllerPoint {
  batch: number;
  trialsConsumed: number;
  createdAt: string;
  meanReward: number | null;
  baseline: number | null;
  entropy: number | null;
  entropyPerDecision: number[];
  collapseWarning: boolean;
}

/** A trial's metrics after one epoch, with the trial it belongs to. */
export interface EpochPoint {
  trialId: number;
  epoch: number;
  trainLoss: number | null;
  trainAcc: number | null;
  valLoss: number | null;
  valAcc: number | null;
  seconds: number | null;
}
