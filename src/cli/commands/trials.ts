import type { Argv, CommandModule } from 'yargs';
import { describeArch } from '../../space/index.js';
import { DEFAULT_DB_FILE, Store } from '../../store/index.js';
import { count, duration, fixed, percent, table } from '../progress/format.js';
import { trialJson } from './best.js';
import { writeOut } from './stdout.js';

interface TrialsArgs {
  experiment?: string;
  json?: boolean;
  db: string;
}

export const trialsCommand: CommandModule<object, TrialsArgs> = {
  command: 'trials',
  describe: 'List every trial of an experiment in sequence order',
  builder: (yargs) =>
    yargs
      .option('experiment', { type: 'string', describe: 'Experiment name [default: the latest]' })
      .option('json', { type: 'boolean', describe: 'Print a JSON array (seq, status, hash, reward, arch, ...)' })
      .option('db', { type: 'string', default: DEFAULT_DB_FILE, describe: 'Results database' }) as unknown as Argv<TrialsArgs>,
  handler: (args) => {
    const store = Store.openReadOnly(args.db);
    try {
      const experiment = store.findExperiment(args.experiment);
      const trials = store.trials.list(experiment.id);
      if (args.json) {
        writeOut(`${JSON.stringify(trials.map((t) => trialJson(t, experiment.name)), null, 2)}\n`);
        return;
      }
      const rows = trials.map((t) => [
        String(t.seq),
        String(t.id),
        t.status + (t.duplicateOf !== null ? ` of ${t.duplicateOf}` : ''),
        fixed(t.reward),
        percent(t.valAcc),
        count(t.params),
        t.epochsRun === null ? '-' : String(t.epochsRun),
        duration(t.durationSeconds),
        (typeof t.arch === 'string' ? t.arch : describeArch(t.arch)) + (t.error ? `  [${t.error.slice(0, 60)}]` : ''),
      ]);
      writeOut(
        `experiment ${experiment.name} (${experiment.status})\n` +
          table(['seq', 'id', 'status', 'reward', 'val acc', 'params', 'epochs', 'time', 'ARCH'], rows),
      );
    } finally {
      store.close();
    }
  },
};
