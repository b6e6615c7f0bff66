import type { Argv, CommandModule } from 'yargs';
import { DATASET_NAMES, infoOf, isDatasetPath, type CustomOptions } from '../../data/index.js';
import { ConfigError } from '../../errors.js';
import { trainModelName, withRecipe, type FullTraining } from '../../app/full-training.js';
import { describeTrainingData } from '../../app/custom-data.js';
import { OPTIMIZERS } from '../../app/options/config.js';
import { oneOf } from '../../checks.js';
import { checkOption, customOptionsOf, optionSpec } from '../../app/options/index.js';
import { SEARCH_DEFAULTS } from '../../app/options/derived.js';
import { searchHyperParams, trialSeed } from '../../evaluation/index.js';
import { loadArchFile, validateArch } from '../../space/index.js';
import { Store } from '../../store/index.js';
import { checkFullTrainingArgs, fullTrainingOptions, reportFullTraining, trainArch, type FullTrainingArgs } from './full-training.js';

interface TrainArgs extends FullTrainingArgs {
  arch: string;
  dataset: string;
  optimizer?: string;
  seed?: number;
  'val-fraction'?: number;
  'data-dir'?: string;
  'label-mode'?: string;
  'image-size'?: string;
  channels?: number;
  'test-fraction'?: number;
}

/** A shipped dataset by name, or the user's own data read (and cached) with the folder options. */
async function trainingData(dataset: string, custom: CustomOptions, args: TrainArgs): Promise<Pick<FullTraining, 'dataset' | 'datasetDescriptor'> & { summary?: string }> {
  const given = Object.keys(custom)[0];
  if (!isDatasetPath(dataset)) {
    if (given) throw new ConfigError(`--${given === 'imageSize' ? 'image-size' : given === 'testFraction' ? 'test-fraction' : given} applies to a dataset given as a path, not to ${dataset}`);
    return { dataset };
  }
  if (args['label-mode'] !== undefined) throw new ConfigError('--label-mode applies to cifar100 and fer2013, not to a dataset given as a path');
  return describeTrainingData(dataset, custom, args['data-dir']);
}

export const trainCommand: CommandModule<object, TrainArgs> = {
  command: 'train',
  describe: 'Train an ARCH file (JSON or Python-literal) on a dataset, test it once, save the model',
  builder: (yargs) =>
    fullTrainingOptions(yargs, 'auto', { lr: String(SEARCH_DEFAULTS.learningRate), batchSize: String(SEARCH_DEFAULTS.batchSize) }, ' (the run is recorded as a replay)')
      .option('arch', { type: 'string', demandOption: true, describe: 'ARCH file: JSON, or the Python-literal ARCH = [...] notation' })
      .option('dataset', { type: 'string', demandOption: true, describe: `Dataset: ${DATASET_NAMES.join(', ')}, or a path (a folder of images in class folders, an .npz or a .csv file)` })
      .option('image-size', { type: 'string', describe: optionSpec('imageSize').help })
      .option('channels', { type: 'number', describe: optionSpec('channels').help })
      .option('test-fraction', { type: 'number', describe: optionSpec('testFraction').help })
      .option('optimizer', { type: 'string', describe: `${OPTIMIZERS.join(', ')} [default: ${SEARCH_DEFAULTS.optimizer}]` })
      .option('seed', { type: 'number', describe: `Seed [default: ${SEARCH_DEFAULTS.seed}]` })
      .option('val-fraction', { type: 'number', describe: 'Only shapes the split; all of train + validation is trained on' })
      .option('data-dir', { type: 'string', describe: 'Folder holding the datasets' })
      .option('label-mode', { type: 'string', describe: 'cifar100: fine or coarse; fer2013: all or binary' })
      .example('$0 best --arch-only > best.json && $0 train --arch best.json --dataset fashion-mnist', 'Retrain the best ARCH') as unknown as Argv<TrainArgs>,
  handler: async (args) => {
    const dataset = checkOption(optionSpec('dataset'), args.dataset);
    const custom = customOptionsOf({ imageSize: args['image-size'], channels: args.channels, testFraction: args['test-fraction'] });
    const arch = loadArchFile(args.arch);
    const checked = checkFullTrainingArgs(args);
    const { summary, ...data } = await trainingData(dataset, custom, args);
    const info = infoOf({ ...data, labelMode: args['label-mode'] });
    validateArch(arch, { input: info.inputShape, classes: info.numClasses });
    if (summary && !args.json) process.stdout.write(`data: ${summary}\n`);
    const d = SEARCH_DEFAULTS;
    const settings = { batchSize: d.batchSize, learningRate: d.learningRate, optimizer: oneOf('--optimizer', args.optimizer ?? d.optimizer, OPTIMIZERS) };
    const seed = trialSeed(checkOption(optionSpec('seed'), args.seed ?? d.seed), 0);
    const defaults = searchHyperParams(settings, { budget: { epochs: checked.epochs }, seed });
    const hyper = withRecipe(defaults, checked.recipe, checked.epochs);
    const valFraction = checkOption(optionSpec('valFraction'), args['val-fraction'] ?? d.valFraction);
    const store = Store.open(args.db, { create: true });
    try {
      const request: FullTraining = {
          arch,
          ...data,
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
      };
      await reportFullTraining(args.json ?? false, (hooks) => trainArch(store, request, hooks));
    } finally {
      store.close();
    }
  },
};
