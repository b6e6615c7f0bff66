/**
 * What nas replay and nas train share: their options and checks, and running the full training with a line
 * per epoch and the test report at the end.
 */
import { infoOf } from '../../data/index.js';
import { describeArch } from '../../space/index.js';
import type { Argv } from 'yargs';
import { DEFAULT_REPLAY_EPOCHS, REPLAY_RECIPE, trainFully, type FullTraining } from '../../app/full-training.js';
import { BACKENDS } from '../../app/options/config.js';
import { checkTrainingSettings, type CheckedTrainingSettings, type TrainingSettings } from '../../api/training-settings.js';
import { DEFAULT_DB_FILE, type ReplayRecord, type Store } from '../../store/index.js';
import { TrainingError } from '../../errors.js';
import type { BatchProgress, EpochMetrics, HyperParams, TrainResult } from '../../trainer/types.js';
import { duration } from '../progress/format.js';
import { evaluationReport } from '../progress/report.js';
import { fullTrainingProgress } from '../progress/training-progress.js';

/** What a full training reports to its printer: the hooks of trainFully and replay(). */
export interface TrainingHooks {
  signal: AbortSignal;
  onStart: (request: FullTraining, dataSummary?: string) => void;
  onResume: (epochsDone: number) => void;
  onEpoch: (metrics: EpochMetrics) => void;
  onProgress: (progress: BatchProgress) => void;
}

export interface TrainedModel {
  result: TrainResult;
  replay: ReplayRecord;
  resumedAfterEpoch: number;
  dbFile: string;
}

/**
 * Runs a full training (nas replay, nas train) with its progress, then prints the test report (or with json,
 * one JSON object). A training that fails sets exit code 1 with its reason.
 */
export async function reportFullTraining(json: boolean, train: (hooks: TrainingHooks) => Promise<TrainedModel>): Promise<void> {
  const out = process.stdout;
  const interrupt = new AbortController();
  const onSigint = (): void => interrupt.abort();
  process.once('SIGINT', onSigint);
  let progress: ReturnType<typeof fullTrainingProgress> | undefined;
  let classNames: string[] = [];
  let epochs = 0;
  const hooks: TrainingHooks = {
    signal: interrupt.signal,
    onStart: (request, dataSummary) => {
      if (dataSummary && !json) out.write(`data: ${dataSummary}\n`);
      if (!json) out.write(`training ${describeArch(request.arch)} on ${request.dataset} (train + validation${request.trainLimit ? `, at most ${request.trainLimit} examples` : ''}) ` + `for ${epochsLine(request.hyper)} (${recipeLine(request)}), then one evaluation on the test set\n`);
      classNames = infoOf(request).classNames;
      epochs = request.hyper.epochs;
      progress = fullTrainingProgress(request, json);
    },
    onResume: (done) => {
      if (!json) out.write(`continuing from its checkpoint: ${done} of ${epochs} epochs done\n`);
    },
    onEpoch: (metrics) => progress?.onEpoch(metrics),
    onProgress: (report) => progress?.onProgress(report),
  };
  try {
    const { result, replay, resumedAfterEpoch, dbFile } = await train(hooks);
    progress?.stop();
    if (json) {
      out.write(`${JSON.stringify({ replay: replay.id, testAccuracy: replay.evaluation.accuracy, resumedAfterEpoch, ...replay, history: result.history })}\n`);
      return;
    }
    out.write(`\n${evaluationReport(result.test!, classNames)}`);
    out.write(`model saved to ${result.modelPath ?? '(not saved)'}; recorded as replay ${replay.id} in ${dbFile} (${duration(result.seconds)}, backend ${result.backend})\n`);
  } catch (error) {
    if (!(error instanceof TrainingError)) throw error;
    progress?.stop();
    process.stderr.write(`nas: training failed: ${error.message}\n`);
    process.exitCode = 1;
  } finally {
    progress?.stop();
    process.off('SIGINT', onSigint);
  }
}

/** `nas train`: an ARCH file's full training, with no trial behind it. */
export async function trainArch(store: Store, request: FullTraining, hooks: TrainingHooks): Promise<TrainedModel> {
  hooks.onStart(request);
  let resumedAfterEpoch = 0;
  const outcome = await trainFully(store, null, { ...request, ...hooks, onResume: (done) => ((resumedAfterEpoch = done), hooks.onResume(done)) });
  if (!outcome.ok) throw new TrainingError(outcome.error);
  return { result: outcome.result, replay: outcome.replay, resumedAfterEpoch, dbFile: store.file };
}

function epochsLine(hyper: HyperParams): string {
  if (hyper.timeLimitSeconds === undefined) return `${hyper.epochs} epochs`;
  return `as many of ${hyper.epochs} epochs as fit in ${duration(hyper.timeLimitSeconds)} (fitted after the first)`;
}

function recipeLine(request: FullTraining): string {
  const { hyper } = request;
  const augmentation = infoOf(request).augmentation;
  const augment = hyper.augment && augmentation ? `random crop (pad ${augmentation.cropPadding})${augmentation.flip ? ' + flip' : ''}` : 'no augmentation';
  const extras = [
    hyper.labelSmoothing > 0 ? `label smoothing ${hyper.labelSmoothing}` : '',
    hyper.weightDecay > 0 ? `weight decay ${hyper.weightDecay}` : '',
    hyper.testTimeFlip ? (hyper.augment && augmentation?.flip ? 'test images scored with their mirrors' : 'no test-time flip (it needs --augment on a dataset that flips)') : '',
  ];
  return [`${hyper.optimizer} lr ${hyper.learningRate} ${hyper.schedule}`, `batch ${hyper.batchSize}`, augment, ...extras].filter(Boolean).join(', ');
}

/** Options that nas replay and nas train share. */
export interface FullTrainingArgs {
  epochs: number;
  schedule: string;
  augment: boolean;
  'label-smoothing': number;
  'weight-decay': number;
  'time-limit'?: number;
  tta: boolean;
  'batch-size'?: number;
  lr?: number;
  threads?: number;
  backend?: string;
  'train-limit'?: number;
  'models-dir': string;
  db: string;
  json?: boolean;
}

export function fullTrainingOptions<T>(yargs: Argv<T>, backendDefault: string, hyperDefault: { lr: string; batchSize: string }, dbNote = ''): Argv<T & FullTrainingArgs> {
  const r = REPLAY_RECIPE;
  return yargs
    .option('epochs', { type: 'number', default: DEFAULT_REPLAY_EPOCHS, describe: 'Training epochs' })
    .option('schedule', { type: 'string', default: r.schedule, describe: 'Learning-rate schedule: constant, or cosine (decays to 0 over the run)' })
    .option('augment', { type: 'boolean', default: r.augment, describe: "The dataset's standard augmentation: random crop after zero padding, and a flip where it keeps the class (for long runs of networks that overfit)" })
    .option('label-smoothing', { type: 'number', default: r.labelSmoothing, describe: 'Label smoothing in [0, 1)' })
    .option('weight-decay', { type: 'number', default: r.weightDecay, describe: 'L2 weight decay on the kernels' })
    .option('time-limit', { type: 'number', describe: 'Seconds of training: after the first epoch, --epochs is cut to what fits at the pace so far (the cosine decay then spans the epochs trained)' })
    .option('tta', { type: 'boolean', default: false, describe: 'Test-time flip: score each test image and its mirror, averaging the probabilities (with --augment, on datasets whose augmentation flips)' })
    .option('lr', { type: 'number', describe: `Learning rate [default: ${hyperDefault.lr}]` })
    .option('batch-size', { type: 'number', describe: `Batch size [default: ${hyperDefault.batchSize}]` })
    .option('backend', { type: 'string', describe: `tfjs backend: ${BACKENDS.join(', ')} [default: ${backendDefault}]` })
    .option('threads', { type: 'number', describe: 'wasm threads [default: one per core]' })
    .option('train-limit', { type: 'number', describe: 'Train on at most this many examples (default: all)' })
    .option('models-dir', { type: 'string', default: 'models', describe: 'Folder for the saved model' })
    .option('db', { type: 'string', default: DEFAULT_DB_FILE, describe: `Results database${dbNote}` })
    .option('json', { type: 'boolean', describe: 'Print the result as JSON' }) as unknown as Argv<T & FullTrainingArgs>;
}

const FLAGS: Record<keyof TrainingSettings, string> = {
  epochs: '--epochs',
  schedule: '--schedule',
  augment: '--augment',
  labelSmoothing: '--label-smoothing',
  weightDecay: '--weight-decay',
  timeLimitSeconds: '--time-limit',
  testTimeFlip: '--tta',
  learningRate: '--lr',
  batchSize: '--batch-size',
  backend: '--backend',
  threads: '--threads',
  trainLimit: '--train-limit',
  modelsDir: '--models-dir',
};

/** The command line's full-training options as the API's settings (replay() and trainFully take these). */
export function trainingSettingsOf(args: FullTrainingArgs): TrainingSettings {
  return {
    epochs: args.epochs,
    schedule: args.schedule,
    augment: args.augment,
    labelSmoothing: args['label-smoothing'],
    weightDecay: args['weight-decay'],
    timeLimitSeconds: args['time-limit'],
    testTimeFlip: args.tta,
    learningRate: args.lr,
    batchSize: args['batch-size'],
    backend: args.backend,
    threads: args.threads,
    trainLimit: args['train-limit'],
    modelsDir: args['models-dir'],
  };
}

export function checkFullTrainingArgs(args: FullTrainingArgs): CheckedTrainingSettings {
  return checkTrainingSettings(trainingSettingsOf(args), (key) => FLAGS[key]);
}
