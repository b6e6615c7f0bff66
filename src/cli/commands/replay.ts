import type { Argv, CommandModule } from 'yargs';
import { replayRequestOf } from '../../app/full-training.js';
import { checkReplayData } from '../../app/custom-data.js';
import { Store } from '../../store/index.js';
import { checkStoredArch } from './stored-trial.js';
import { checkFullTrainingArgs, fullTrainingOptions, runFullTraining, type FullTrainingArgs } from './full-training.js';

interface ReplayArgs extends FullTrainingArgs {
  trial: string;
  dataset?: string;
}

export const replayCommand: CommandModule<object, ReplayArgs> = {
  command: 'replay <trial>',
  describe: "Train a trial's ARCH from scratch on train + validation, test it once, save the model",
  builder: (yargs) =>
    fullTrainingOptions(yargs, "the experiment's", { lr: "the trial's", batchSize: "the trial's" })
      .positional('trial', { type: 'string', demandOption: true, describe: 'Trial id (see nas best / nas trials) or EXPERIMENT:SEQ' })
      .option('dataset', { type: 'string', describe: "Where the experiment's own data (--dataset PATH) is now, if it moved; it must hold the same files" })
      .example('$0 replay 17 --epochs 30', 'Fully train trial 17: its hyperparameters, cosine decay, augmentation') as unknown as Argv<ReplayArgs>,
  handler: async (args) => {
    const checked = checkFullTrainingArgs(args);
    const store = Store.open(args.db, { create: false });
    try {
      const trial = store.findTrial(args.trial);
      const experiment = store.experiments.byId(trial.experimentId)!;
      checkStoredArch(trial, experiment.config);
      const data = await checkReplayData(replayRequestOf(trial, experiment, checked), experiment.name, args.dataset);
      if (data.summary && !args.json) process.stdout.write(`data: ${data.summary}\n`);
      await runFullTraining(store, trial.id, data.request, args.json ?? false);
    } finally {
      store.close();
    }
  },
};
