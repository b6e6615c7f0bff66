import type { Argv, CommandModule } from 'yargs';
import { exportTrial } from '../../app/export-trial.js';
import { positiveInteger } from '../../checks.js';
import { DEFAULT_DB_FILE, Store } from '../../store/index.js';
import { percent } from '../progress/format.js';
import { writableFolder } from '../../util/folders.js';
import { writeOut } from './stdout.js';

interface ExportArgs {
  trial: string;
  out: string;
  replay?: number;
  db: string;
  json?: boolean;
}

export const exportCommand: CommandModule<object, ExportArgs> = {
  command: 'export <trial>',
  describe: "Write a replayed trial's model as a folder that runs anywhere tfjs does: raw 0-255 pixels in, with labels.json and preprocessing.json",
  builder: (yargs) =>
    yargs
      .positional('trial', { type: 'string', demandOption: true, describe: 'Trial id or EXPERIMENT:SEQ (its latest replay is exported, or --replay)' })
      .option('out', { type: 'string', demandOption: true, describe: 'Folder to write (new, or empty)' })
      .option('replay', { type: 'number', describe: 'Which of the trial\'s replays (an id from nas show TRIAL; default: the latest with a saved model)' })
      .option('db', { type: 'string', default: DEFAULT_DB_FILE, describe: 'Results database' })
      .option('json', { type: 'boolean', describe: 'Print the result as JSON' })
      .example('$0 export 17 --out web/model', "Trial 17's replayed model, for tf.loadLayersModel('model/model.json') in a web page") as unknown as Argv<ExportArgs>,
  handler: async (args) => {
    writableFolder('--out', args.out);
    if (args.replay !== undefined) positiveInteger('--replay', args.replay);
    const store = Store.openReadOnly(args.db);
    try {
      const done = await exportTrial(store, args.trial, args.out, args.replay);
      const { replay } = done;
      if (args.json) {
        writeOut(`${JSON.stringify({ trial: done.trialId, replay: replay.id, modelPath: replay.modelPath, out: done.out, files: done.files })}\n`);
        return;
      }
      writeOut(
        `exported replay ${replay.id} of trial ${args.trial} (${replay.dataset}, ${replay.epochs} epochs, test accuracy ${percent(replay.evaluation.accuracy, 2)}) ` +
          `to ${done.out}: ${done.files.join(', ')}\n`,
      );
    } finally {
      store.close();
    }
  },
};
