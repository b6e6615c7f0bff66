/** `nas export TRIAL --out DIR`: a replayed trial's model as a self-describing folder (see model-export.ts). */
import fs from 'node:fs';
import path from 'node:path';
import { ConfigError } from '../errors.js';
import type { ReplayRecord, Store } from '../store/index.js';
import { EXPORT_FILES, PREPROCESSING_FORMAT, writeExport, type StoredExport } from './model-export.js';

export interface TrialExport {
  trialId: number;
  replay: ReplayRecord;
  /** The folder written. */
  out: string;
  files: readonly string[];
}

/**
 * Writes the export of one of `reference`'s replays (`replayId`, default: its latest with a saved model) to the
 * folder `out` (new, or empty). Every check comes first: a trial never replayed, a replay of another trial, a replay
 * recorded before nas kept its statistics, a model folder that is gone, a folder `out` that is not empty are each a
 * ConfigError, with nothing written. The files are written in a temporary folder beside `out`, renamed to `out`
 * when complete.
 */
export async function exportTrial(store: Store, reference: string, out: string, replayId?: number): Promise<TrialExport> {
  const trial = store.findTrial(reference);
  const replay = chosenReplay(store.replays.forTrial(trial.id).filter((r) => r.modelPath !== null), reference, replayId);
  const stored = storedExport(replay);
  const modelFolder = replay.modelPath!;
  if (!fs.existsSync(path.join(modelFolder, 'model.json'))) {
    throw new ConfigError(`replay ${replay.id} of trial ${reference} saved its model in ${modelFolder}, which holds no model.json now`);
  }
  const target = path.resolve(out);
  checkTarget(target, out);
  fs.mkdirSync(path.dirname(target), { recursive: true });
  // Made with mkdir (not mkdtemp, whose folders only their owner may read): the export is meant to be served.
  const staging = path.join(path.dirname(target), `.${path.basename(target)}.partial-${process.pid}-${Date.now()}`);
  fs.mkdirSync(staging);
  try {
    await writeExport(modelFolder, staging, stored);
    if (fs.existsSync(target)) fs.rmdirSync(target);
    fs.renameSync(staging, target);
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
  return { trialId: trial.id, replay, out: target, files: EXPORT_FILES };
}

function chosenReplay(saved: ReplayRecord[], reference: string, replayId: number | undefined): ReplayRecord {
  if (saved.length === 0) {
    throw new ConfigError(`trial ${reference} has never been replayed with a saved model: nas replay ${reference} trains it and saves one`);
  }
  if (replayId === undefined) return saved.at(-1)!;
  const replay = saved.find((r) => r.id === replayId);
  if (!replay) throw new ConfigError(`trial ${reference} has no replay ${replayId} with a saved model; its replays with one: ${saved.map((r) => r.id).join(', ')}`);
  return replay;
}

/** The export a replay's settings keep; a ConfigError when it has none (recorded by an older nas) or it is damaged. */
export function storedExport(replay: ReplayRecord): StoredExport {
  const { preprocessing, labels } = replay.settings as Partial<StoredExport>;
  if (preprocessing === undefined && labels === undefined) {
    throw new ConfigError(
      `replay ${replay.id} was recorded before nas kept the input normalisation a model was trained with: replay the trial again to export it`,
    );
  }
  const stats = preprocessing?.normalisation;
  const isNumbers = (values: unknown): boolean => Array.isArray(values) && values.length > 0 && values.every((v) => typeof v === 'number' && Number.isFinite(v));
  const valid =
    preprocessing?.format === PREPROCESSING_FORMAT &&
    isNumbers(stats?.mean) &&
    isNumbers(stats?.std) &&
    stats!.mean.length === stats!.std.length &&
    Array.isArray(labels) &&
    labels.every((label) => typeof label === 'string');
  if (!valid) throw new ConfigError(`replay ${replay.id}'s stored normalisation is damaged: replay the trial again to export it`);
  return { preprocessing: preprocessing!, labels: labels! };
}

function checkTarget(target: string, out: string): void {
  if (!fs.existsSync(target)) return;
  if (!fs.statSync(target).isDirectory()) throw new ConfigError(`--out ${out} is a file, not a folder`);
  if (fs.readdirSync(target).length > 0) throw new ConfigError(`--out ${out} is not empty: nas export writes a new folder, or an empty one`);
}
