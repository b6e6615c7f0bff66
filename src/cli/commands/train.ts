import type { Argv, CommandModule } from 'yargs';
import { DATASET_NAMES, datasetInfo } from '../../data/index.js';
import type { DatasetName } from '../../data/types.js';
import { trainModelName, withRecipe } from '../../app/full-training.js';
import { OPTIMIZERS } from '../../app/options/config.js';
import { oneOf } from '../../checks.js';
import { checkOption, optionSpec } from '../../app/options/index.js';
import { SEARCH_DEFAULTS } from '../../app/options/derived.js';
import { searchHyperParams, trialSeed } from '../../evaluation/index.js';
import { loadArchFile, validateArch } from '../../space/index.js';
import { Store } from '../../store/index.js';
import { checkFullTrainingArgs, fullTrainingOptions, runFullTraining, type FullTrainingArgs } from './full-training.js';

interface TrainArgs extends FullTrainingArgs {
  arch: string;
  dataset: string;
  optimizer?: string;
  seed?: number;
  'val-fraction'?: number;
  'data-dir'?: string;
  'label-mode'?: string;
}

export const trainCommand: CommandModule<object, TrainArgs> = {
  command: 'train',
  describe: 'Train an ARCH file (JSON or Python-literal) on a dataset, test it once, save the model',
  builder: (yargs) =>
    fullTrainingOptions(yargs, 'auto', { lr: String(SEARCH_DEFAULTS.learningRate), batchSize: String(SEARCH_DEFAULTS.batchSize) }, ' (the run is recorded as a replay)')
      .option('arch', { type: 'string', demandOption: true, describe: 'ARCH file: JSON, or the Python-literal ARCH = [...] notation' })
      .option('dataset', { type: 'string', demandOption: true, describe: `Dataset: ${DATASET_NAMES.join(', ')}` })
      .option('optimizer', { type: 'string', describe: `${OPTIMIZERS.join(', ')} [default: ${SEARCH_DEFAULTS.optimizer}]` })
      .option('seed', { type: 'number', describe: `Seed [default: ${SEARCH_DEFAULTS.seed}]` })
      .option('val-fraction', { type: 'number', describe: 'Only shapes the split; all of train + validation is trained on' })
      .option('data-dir', { type: 'string', describe: 'Folder holding the datasets' })
      .option('label-mode', { type: 'string', describe: 'cifar100: fine or coarse; fer2013: all or binary' })
      .example('$0 best --arch-only > best.json && $0 train --arch best.json --dataset fashion-mnist', 'Retrain the best ARCH') as unknown as Argv<TrainArgs>,
  handler: async (args) => {
    const dataset = oneOf('--dataset', args.dataset, DATASET_NAMES) as DatasetName;
    const arch = loadArchFile(args.arch);
    const info = datasetInfo(dataset, { labelMode: args['label-mode'] });
    validateArch(arch, { input: info.inputShape, classes: info.numClasses });
    const checked = checkFullTrainingArgs(args);
    const d = SEARCH_DEFAULTS;
    const settings = { batchSize: d.batchSize, learningRate: d.learningRate, optimizer: oneOf('--optimizer', args.optimizer ?? d.optimizer, OPTIMIZERS) };
    const seed = trialSeed(checkOption(optionSpec('seed'), args.seed ?? d.seed), 0);
    const defaults = searchHyperParams(settings, { budget: { epochs: checked.epochs }, seed });
    const hyper = withRecipe(defaults, checked.recipe, checked.epochs);
    const valFraction = checkOption(optionSpec('valFraction'), args['val-fraction'] ?? d.valFraction);
    const store = Store.open(args.db, { create: true });
    try {
      await runFullTraining(
        store,
        null,
        {
          arch,
          dataset,
          dataDir: args['data-dir'],
          labelMode: args['label-mode'],
          hyper,
          valFraction,
          splitSeed: hyper.seed,
          trainLimit: checked.trainLimit,
          threads: checked.threads,
          backend: checked.backend ?? 'auto',
          modelsDir: checked.modelsDir,
          modelName: trainModelName(arch),
        },
        args.json ?? false,
      );
    } finally {
      store.close();
    }
  },
};
