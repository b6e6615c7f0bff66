import type { Argv, CommandModule } from 'yargs';
import { DEFAULT_DB_FILE, Store } from '../../store/index.js';
import { duration, fixed, table } from '../progress/format.js';
import { writeOut } from './stdout.js';
import { escapeControls } from '../../checks.js';

interface ExperimentsArgs {
  json?: boolean;
  db: string;
}

export const experimentsCommand: CommandModule<object, ExperimentsArgs> = {
  command: 'experiments',
  describe: 'List the experiments in a results database',
  builder: (yargs) =>
    yargs
      .option('json', { type: 'boolean', describe: 'Print a JSON array' })
      .option('db', { type: 'string', default: DEFAULT_DB_FILE, describe: 'Results database' }) as unknown as Argv<ExperimentsArgs>,
  handler: (args) => {
    const store = Store.openReadOnly(args.db);
    try {
      const experiments = store.experiments.list();
      if (args.json) {
        const plain = experiments.map(({ config, ...rest }) => ({ ...rest, trialsTarget: config.trials, config }));
        writeOut(`${JSON.stringify(plain, null, 2)}\n`);
        return;
      }
      // Names stored before names had to be printable are shown escaped.
      const rows = experiments.map((e) => [
        escapeControls(e.name),
        e.status,
        e.dataset,
        escapeControls(e.space),
        e.strategy,
        String(e.seed),
        `${e.finished}/${String(e.config.trials)}`,
        fixed(e.bestReward),
        duration(e.wallSeconds),
        e.createdAt.slice(0, 19).replace('T', ' '),
      ]);
      writeOut(table(['name', 'status', 'dataset', 'space', 'strategy', 'seed', 'trials', 'best', 'wall', 'created'], rows));
    } finally {
      store.close();
    }
  },
};
