import { datasetInfo, type DatasetName } from '../data/index.js';
import { archJson, describeArch, inferCost, type Arch, type Shape3 } from '../space/index.js';
import { DEFAULT_DB_FILE, type ExperimentRecord, type ReplayRecord, type ResultsReader, type TrialRecord } from '../store/index.js';
import type { LayerRow, ReplayView, TrialDetail } from './client/types.js';
import { NotFoundError } from './errors.js';

/** Everything the trial page shows: the trial, its layer table, its epochs, its replays, the replay command. */
export function trialDetail(reader: ResultsReader, id: number, dbFile: string): TrialDetail {
  const trial = reader.trial(id);
  if (!trial) throw new NotFoundError(`no trial ${id} in this database`);
  const experiment = reader.experiments([trial.experimentId])[0]!;
  const problem = problemOf(experiment);
  const duplicate = trial.duplicateOf === null ? undefined : reader.trialBySeq(trial.experimentId, trial.duplicateOf);
  return {
    experiment: { id: experiment.id, name: experiment.name, dataset: experiment.dataset },
    trial: {
      id: trial.id,
      seq: trial.seq,
      batch: trial.batch,
      status: trial.status,
      reward: trial.reward,
      valAcc: trial.valAcc,
      valLoss: trial.valLoss,
      trainAcc: trial.trainAcc,
      params: trial.params,
      macs: trial.macs,
      epochsRun: trial.epochsRun,
      durationSeconds: trial.durationSeconds,
      backend: trial.backend,
      worker: trial.worker,
      error: trial.error,
      duplicateOf: trial.duplicateOf,
      duplicateOfId: duplicate?.id ?? null,
      hash: trial.hash,
      attempts: trial.attempts,
      createdAt: trial.createdAt,
      startedAt: trial.startedAt,
      finishedAt: trial.finishedAt,
      budget: trial.budget,
    },
    arch: archView(trial, problem),
    epochs: reader.epochs(trial.id),
    replays: reader.replays(trial.id).map(replayView),
    classNames: problem.classNames,
    replayCommand: replayCommand(trial.id, dbFile),
  };
}

interface Problem {
  input: Shape3 | null;
  classes: number | null;
  classNames: string[] | null;
  note: string | null;
}

/** The input shape and classes of the experiment's dataset (with its label mode), when nas knows the dataset. */
function problemOf(experiment: ExperimentRecord): Problem {
  try {
    const labelMode = experiment.config['labelMode'];
    const info = datasetInfo(experiment.dataset as DatasetName, typeof labelMode === 'string' ? { labelMode } : {});
    return { input: info.inputShape, classes: info.numClasses, classNames: info.classNames, note: null };
  } catch (error) {
    return { input: null, classes: null, classNames: null, note: `no layer shapes: ${(error as Error).message}` };
  }
}

function archView(trial: TrialRecord, problem: Problem): TrialDetail['arch'] {
  const arch = trial.arch;
  if (typeof arch === 'string') return { summary: arch, json: archJson(arch), layers: null, input: null, note: null };
  const base = { summary: describeArch(arch), json: archJson(arch), input: problem.input };
  if (!problem.input || problem.classes === null) return { ...base, layers: null, note: problem.note };
  try {
    return { ...base, layers: layerRows(arch, problem.input, problem.classes), note: null };
  } catch (error) {
    return { ...base, layers: null, note: `no layer shapes: ${(error as Error).message}` };
  }
}

function layerRows(arch: Arch, input: Shape3, classes: number): LayerRow[] {
  const cost = inferCost(arch, input, classes);
  return cost.layers.map((layer) => {
    const stored = arch[layer.index]!;
    return {
      index: layer.index,
      kind: layer.type,
      layer: describeArch([stored]),
      output: layer.outputShape,
      params: layer.params,
      macs: layer.macs,
      skipFrom: stored.type === 'C' ? stored.skip_from : null,
    };
  });
}

function replayView(replay: ReplayRecord): ReplayView {
  return {
    id: replay.id,
    epochs: replay.epochs,
    testAcc: replay.evaluation.accuracy,
    testLoss: Number.isFinite(replay.evaluation.loss) ? replay.evaluation.loss : null,
    confusion: replay.evaluation.confusion,
    perClass: replay.evaluation.perClass,
    settings: replay.settings,
    backend: replay.backend,
    seconds: replay.seconds,
    createdAt: replay.createdAt,
  };
}

/** `nas replay ID`, with `--db FILE` unless the file is the default one; the file quoted for a POSIX shell when it needs it. */
export function replayCommand(trialId: number, dbFile: string): string {
  if (dbFile === DEFAULT_DB_FILE || dbFile === `./${DEFAULT_DB_FILE}`) return `nas replay ${trialId}`;
  const quoted = /^[\w./+-]+$/.test(dbFile) ? dbFile : `'${dbFile.replace(/'/g, `'\\''`)}'`;
  return `nas replay ${trialId} --db ${quoted}`;
}
