/**
 * The JSON the dashboard's server sends its pages, and the report embeds: one contract for both. Pure types,
 * shared by the server (Node) and the pages (the browser).
 */
import type { ControllerPoint, EpochRecord, ExperimentStatus } from '../../store/index.js';

export type { ControllerPoint };

export const STATUSES = ['queued', 'running', 'completed', 'failed', 'pruned', 'duplicate'] as const;
export type Status = (typeof STATUSES)[number];

/** An experiment with the figures of its trials: a row of the experiments page (GET /api/experiments). */
export interface ExperimentOverview {
  id: number;
  name: string;
  dataset: string;
  space: string;
  strategy: string;
  seed: number;
  status: ExperimentStatus;
  message: string | null;
  wallSeconds: number;
  createdAt: string;
  updatedAt: string;
  finishedAt: string | null;
  /** The backend its last run trained on, as that run described it; null when unknown. */
  backend: string | null;
  /** The trial target of the stored config (`--trials`); null when it has none. */
  trialsTarget: number | null;
  trials: number;
  finished: number;
  completed: number;
  pruned: number;
  failed: number;
  duplicates: number;
  running: number;
  queued: number;
  /** The highest reward of a trained trial (completed or pruned), its validation accuracy and its id. */
  bestReward: number | null;
  bestValAcc: number | null;
  bestTrialId: number | null;
  /** Duplicates over finished trials; null before any finished. */
  duplicateRate: number | null;
}

/** GET /api/experiments/:id */
export interface ExperimentView {
  overview: ExperimentOverview;
  /** The stored search configuration, as `nas search` wrote it. */
  config: Record<string, unknown>;
}

/**
 * GET /api/experiments/:id/columns?fromSeq=N: the trials from sequence number `fromSeq` on, one array per
 * field (compact for thousands of trials). The page replaces what it holds from `fromSeq` on with these.
 */
export interface TrialColumns {
  fromSeq: number;
  id: number[];
  seq: number[];
  /** Index into STATUSES. */
  status: number[];
  reward: (number | null)[];
  valAcc: (number | null)[];
  params: (number | null)[];
  macs: (number | null)[];
  epochs: (number | null)[];
  /** Seconds from the experiment's creation to the trial's end; null while it runs. */
  elapsed: (number | null)[];
}

/** One row of the trial table. `arch` is the ARCH's one-line summary (or the cell string). */
export interface TableRow {
  id: number;
  seq: number;
  status: Status;
  reward: number | null;
  valAcc: number | null;
  params: number | null;
  macs: number | null;
  epochs: number | null;
  seconds: number | null;
  hash: string;
  arch: string;
  duplicateOf: number | null;
}

export type SortKey = 'seq' | 'status' | 'reward' | 'valAcc' | 'params' | 'macs' | 'epochs' | 'seconds';
export const SORT_KEYS: readonly SortKey[] = ['seq', 'status', 'reward', 'valAcc', 'params', 'macs', 'epochs', 'seconds'];

/** The trial table's query: filter by status, search hash or ARCH text, keep the K best by reward, sort, page. */
export interface TableQuery {
  sort: SortKey;
  dir: 'asc' | 'desc';
  status: Status | 'all';
  q: string;
  /** Keep only the K best trials by reward (of those that pass the filters); 0 keeps every one. */
  top: number;
  offset: number;
  limit: number;
}

/** GET /api/experiments/:id/table?... */
export interface TablePage {
  total: number;
  offset: number;
  rows: TableRow[];
}

/** One trial's learning curve: per-epoch validation accuracy and loss. */
export interface Curve {
  trialId: number;
  seq: number;
  status: Status;
  /** Why it is shown: among the best by reward, picked by the user, or among the latest pruned. */
  role: 'top' | 'picked' | 'pruned';
  epoch: number[];
  valAcc: (number | null)[];
  valLoss: (number | null)[];
}

/** GET /api/experiments/:id/curves?top=K&ids=1,2 */
export interface CurvesView {
  curves: Curve[];
}

/** A row of a trial's layer table. */
export interface LayerRow {
  index: number;
  kind: string;
  layer: string;
  output: number[];
  params: number;
  macs: number;
  skipFrom: number | null;
}

export interface ReplayView {
  id: number;
  epochs: number;
  testAcc: number;
  testLoss: number | null;
  confusion: number[][];
  perClass: { precision: number; recall: number; f1: number; support: number }[];
  settings: Record<string, unknown>;
  backend: string | null;
  seconds: number | null;
  createdAt: string;
}

/** GET /api/trials/:id */
export interface TrialDetail {
  experiment: { id: number; name: string; dataset: string };
  trial: {
    id: number;
    seq: number;
    batch: number;
    status: Status;
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
    duplicateOf: number | null;
    /** The id of the trial it duplicates, for the link. */
    duplicateOfId: number | null;
    hash: string;
    attempts: number;
    createdAt: string;
    startedAt: string | null;
    finishedAt: string | null;
    budget: Record<string, unknown>;
  };
  arch: {
    summary: string;
    json: string;
    /** For a layer ARCH: its layers with output shapes and costs; null for a cell, or when they cannot be computed. */
    layers: LayerRow[] | null;
    input: number[] | null;
    /** Why there is no layer table, when there is none for a layer ARCH. */
    note: string | null;
  };
  epochs: EpochRecord[];
  replays: ReplayView[];
  classNames: string[] | null;
  replayCommand: string;
}

/** One experiment's best reward so far, by trial and by time. */
export interface CompareSeries {
  id: number;
  name: string;
  strategy: string;
  /** best[i]: the best reward among trials 1..i+1 (null before the first trained trial). */
  best: (number | null)[];
  /** The same at each trial's end, in the order they ended: seconds from the experiment's creation. */
  time: number[];
  bestAtTime: number[];
}

/** GET /api/compare?ids=1,2 */
export interface CompareView {
  experiments: CompareSeries[];
}
