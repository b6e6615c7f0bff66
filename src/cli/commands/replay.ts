import type { Argv, CommandModule } from 'yargs';
import { checkFullTrainingArgs, fullTrainingOptions, reportFullTraining, trainingSettingsOf, type FullTrainingArgs } from './full-training.js';

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
    const settings = trainingSettingsOf(args);
    checkFullTrainingArgs(args);
    await reportFullTraining(args.json ?? false, async (hooks) => {
      // Loaded here: the replay brings the trainer and TensorFlow.js with it.
      const { replay } = await import('../../api/replay.js');
      return replay({ ...settings, trial: args.trial, db: args.db, dataset: args.dataset, ...hooks, onStart: (plan) => hooks.onStart(plan.training, plan.dataSummary) });
    });
  },
};
