import type { Argv, CommandModule } from 'yargs';
import { positiveInteger } from '../../checks.js';
import { StoreError } from '../../errors.js';
import { archJson, describeArch } from '../../space/index.js';
import { DEFAULT_DB_FILE, Store, type TrialRecord } from '../../store/index.js';
import { count, percent, fixed, table } from '../progress/format.js';
import { writeOut } from './stdout.js';

interface BestArgs {
  experiment?: string;
  top: number;
  json?: boolean;
  'arch-only'?: boolean;
  db: string;
}

export const bestCommand: CommandModule<object, BestArgs> = {
  command: 'best',
  describe: 'Show the best trials of an experiment (reward, validation accuracy, params, MACs, ARCH)',
  builder: (yargs) =>
    yargs
      .option('experiment', { type: 'string', describe: 'Experiment name [default: the latest]' })
      .option('top', { type: 'number', default: 5, describe: 'How many trials' })
      .option('json', { type: 'boolean', describe: 'Print a JSON array' })
      .option('arch-only', { type: 'boolean', describe: 'Print only the best ARCH, as JSON that nas train --arch and nas replay accept' })
      .option('db', { type: 'string', default: DEFAULT_DB_FILE, describe: 'Results database' })
      .example('$0 best --arch-only > best.json', 'Save the best ARCH') as unknown as Argv<BestArgs>,
  handler: (args) => {
    const top = positiveInteger('--top', args.top);
    const store = Store.openReadOnly(args.db);
    try {
      const experiment = store.findExperiment(args.experiment);
      const trials = store.trials.top(experiment.id, args['arch-only'] ? 1 : top);
      if (args['arch-only']) {
        if (trials.length === 0) throw new NoTrialsError(experiment.name);
        writeOut(`${archJson(trials[0]!.arch)}\n`);
      } else if (args.json) {
        writeOut(`${JSON.stringify(trials.map((t) => trialJson(t, experiment.name)), null, 2)}\n`);
      } else {
        writeOut(bestTable(experiment.name, trials));
      }
    } finally {
      store.close();
    }
  },
};

class NoTrialsError extends StoreError {
  constructor(name: string) {
    super(`experiment '${name}' has no trained trial yet`);
  }
}

export function trialJson(t: TrialRecord, experiment: string): Record<string, unknown> {
  return {
    id: t.id,
    experiment,
    seq: t.seq,
    status: t.status,
    hash: t.hash,
    reward: t.reward,
    valAcc: t.valAcc,
    valLoss: t.valLoss,
    trainAcc: t.trainAcc,
    params: t.params,
    macs: t.macs,
    epochs: t.epochsRun,
    seconds: t.durationSeconds,
    duplicateOf: t.duplicateOf,
    error: t.error,
    arch: t.arch,
  };
}

function bestTable(name: string, trials: TrialRecord[]): string {
  if (trials.length === 0) return `experiment ${name}: no trained trial yet\n`;
  const rows = trials.map((t, i) => [
    String(i + 1),
    String(t.id),
    String(t.seq),
    fixed(t.reward),
    percent(t.valAcc),
    count(t.params),
    count(t.macs),
    t.status,
    typeof t.arch === 'string' ? t.arch : describeArch(t.arch),
  ]);
  return (
    `experiment ${name}\n` +
    table(['rank', 'id', 'seq', 'reward', 'val acc', 'params', 'MACs', 'status', 'ARCH'], rows) +
    `full ARCH: nas show ${trials[0]!.id}; train it fully: nas replay ${trials[0]!.id}\n`
  );
}
