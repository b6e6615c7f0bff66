import { datasetInfo } from '../../data/index.js';
import { describeArch } from '../../space/index.js';
import type { Argv } from 'yargs';
import { BACKENDS, DEFAULT_REPLAY_EPOCHS, oneOf, positiveInteger, trainFully, type FullTraining } from '../../search/index.js';
import { DEFAULT_DB_FILE, type Store } from '../../store/index.js';
import type { BackendName } from '../../trainer/types.js';
import { duration, fixed, percent } from './format.js';
import { evaluationReport } from './report.js';

/**
 * Runs a full training (nas replay, nas train) with a line per epoch, then prints the test report (or with
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
        `for ${request.hyper.epochs} epochs, then one evaluation on the test set\n`,
    );
  }
  try {
    const outcome = await trainFully(store, trialId, {
      ...request,
      signal: interrupt.signal,
      onEpoch: (m) => {
        if (!json) out.write(`epoch ${m.epoch}/${request.hyper.epochs}: train loss ${fixed(m.trainLoss, 3)}, train acc ${percent(m.trainAcc)}, ${duration(m.seconds)}\n`);
      },
    });
    if (!outcome.ok) {
      process.stderr.write(`nas: training failed: ${outcome.error}\n`);
      process.exitCode = 1;
      return;
    }
    const { result, replay } = outcome;
    if (json) {
      out.write(`${JSON.stringify({ replay: replay.id, testAccuracy: replay.evaluation.accuracy, ...replay, history: result.history })}\n`);
      return;
    }
    const classNames = datasetInfo(request.dataset, { labelMode: request.labelMode }).classNames;
    out.write(`\n${evaluationReport(result.test!, classNames)}`);
    out.write(`model saved to ${result.modelPath ?? '(not saved)'}; recorded as replay ${replay.id} in ${store.file} (${duration(result.seconds)}, backend ${result.backend})\n`);
  } finally {
    process.off('SIGINT', onSigint);
  }
}

/** Options that nas replay and nas train share. */
export interface FullTrainingArgs {
  epochs: number;
  backend?: string;
  'train-limit'?: number;
  'models-dir': string;
  db: string;
  json?: boolean;
}

export function fullTrainingOptions<T>(yargs: Argv<T>, backendDefault: string, dbNote = ''): Argv<T & FullTrainingArgs> {
  return yargs
    .option('epochs', { type: 'number', default: DEFAULT_REPLAY_EPOCHS, describe: 'Training epochs' })
    .option('backend', { type: 'string', describe: `tfjs backend: ${BACKENDS.join(', ')} [default: ${backendDefault}]` })
    .option('train-limit', { type: 'number', describe: 'Train on at most this many examples (default: all)' })
    .option('models-dir', { type: 'string', default: 'models', describe: 'Folder for the saved model' })
    .option('db', { type: 'string', default: DEFAULT_DB_FILE, describe: `Results database${dbNote}` })
    .option('json', { type: 'boolean', describe: 'Print the result as JSON' }) as unknown as Argv<T & FullTrainingArgs>;
}

export function checkFullTrainingArgs(args: FullTrainingArgs): { epochs: number; backend?: BackendName; trainLimit?: number } {
  return {
    epochs: positiveInteger('--epochs', args.epochs),
    backend: args.backend === undefined ? undefined : (oneOf('--backend', args.backend, BACKENDS) as BackendName),
    trainLimit: args['train-limit'] === undefined ? undefined : positiveInteger('--train-limit', args['train-limit']),
  };
}
