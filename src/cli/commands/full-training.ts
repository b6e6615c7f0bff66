/**
 * What nas replay and nas train share: their options and checks, and running the full training with a line
 * per epoch and the test report at the end.
 */
import { infoOf } from '../../data/index.js';
import { describeArch } from '../../space/index.js';
import type { Argv } from 'yargs';
import { DEFAULT_REPLAY_EPOCHS, REPLAY_RECIPE, trainFully, type FullTraining, type TrainingRecipe } from '../../app/full-training.js';
import { BACKENDS } from '../../app/options/config.js';
import { checkOption, optionSpec } from '../../app/options/index.js';
import { oneOf, positiveNumber } from '../../checks.js';
import { writableFolder } from './folders.js';
import { DEFAULT_DB_FILE, type Store } from '../../store/index.js';
import { ConfigError } from '../../errors.js';
import type { BackendName, HyperParams } from '../../trainer/types.js';
import { duration } from '../progress/format.js';
import { evaluationReport } from '../progress/report.js';
import { fullTrainingProgress } from '../progress/training-progress.js';

const SCHEDULES: readonly HyperParams['schedule'][] = ['constant', 'cosine'];

/**
 * Runs a full training (nas replay, nas train) with its progress, then prints the test report (or with
 * json, one JSON object). A failed training sets exit code 1 with its reason.
 */
export async function runFullTraining(store: Store, trialId: number | null, request: FullTraining, json: boolean): Promise<void> {
  const out = process.stdout;
  const interrupt = new AbortController();
  const onSigint = (): void => interrupt.abort();
  process.once('SIGINT', onSigint);
  if (!json) {
    out.write(
      `training ${describeArch(request.arch)} on ${request.dataset} (train + validation${request.trainLimit ? `, at most ${request.trainLimit} examples` : ''}) ` +
        `for ${epochsLine(request.hyper)} (${recipeLine(request)}), then one evaluation on the test set\n`,
    );
  }
  const progress = fullTrainingProgress(request, json);
  try {
    let resumedAfter = 0;
    const onResume = (done: number): void => {
      resumedAfter = done;
      if (!json) out.write(`continuing from its checkpoint: ${done} of ${request.hyper.epochs} epochs done\n`);
    };
    const outcome = await trainFully(store, trialId, { ...request, signal: interrupt.signal, onEpoch: progress.onEpoch, onProgress: progress.onProgress, onResume });
    progress.stop();
    if (!outcome.ok) {
      process.stderr.write(`nas: training failed: ${outcome.error}\n`);
      process.exitCode = 1;
      return;
    }
    const { result, replay } = outcome;
    if (json) {
      out.write(`${JSON.stringify({ replay: replay.id, testAccuracy: replay.evaluation.accuracy, resumedAfterEpoch: resumedAfter, ...replay, history: result.history })}\n`);
      return;
    }
    const classNames = infoOf(request).classNames;
    out.write(`\n${evaluationReport(result.test!, classNames)}`);
    out.write(`model saved to ${result.modelPath ?? '(not saved)'}; recorded as replay ${replay.id} in ${store.file} (${duration(result.seconds)}, backend ${result.backend})\n`);
  } finally {
    progress.stop();
    process.off('SIGINT', onSigint);
  }
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

export function checkFullTrainingArgs(args: FullTrainingArgs): { epochs: number; backend?: BackendName; trainLimit?: number; threads?: number; recipe: TrainingRecipe; modelsDir: string } {
  const labelSmoothing = args['label-smoothing'];
  if (!(labelSmoothing >= 0 && labelSmoothing < 1)) throw new ConfigError(`--label-smoothing must be in [0, 1), not ${labelSmoothing}`);
  const weightDecay = args['weight-decay'];
  if (!(weightDecay >= 0 && Number.isFinite(weightDecay))) throw new ConfigError(`--weight-decay must be a number >= 0, not ${weightDecay}`);
  const recipe: TrainingRecipe = {
    schedule: oneOf('--schedule', args.schedule, SCHEDULES),
    augment: args.augment,
    labelSmoothing,
    weightDecay,
    testTimeFlip: args.tta,
  };
  if (args['time-limit'] !== undefined) recipe.timeLimitSeconds = positiveNumber('--time-limit', args['time-limit']);
  if (args.lr !== undefined) recipe.learningRate = positiveNumber('--lr', args.lr);
  if (args['batch-size'] !== undefined) recipe.batchSize = checkOption(optionSpec('batchSize'), args['batch-size']);
  return {
    recipe,
    threads: args.threads === undefined ? undefined : checkOption(optionSpec('threads'), args.threads),
    epochs: checkOption(optionSpec('epochs'), args.epochs),
    backend: args.backend === undefined ? undefined : (oneOf('--backend', args.backend, BACKENDS) as BackendName),
    trainLimit: args['train-limit'] === undefined ? undefined : checkOption(optionSpec('trainLimit'), args['train-limit']),
    modelsDir: writableFolder('--models-dir', args['models-dir']),
  };
}
