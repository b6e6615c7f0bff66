import type { Argv, CommandModule } from 'yargs';
import { writeOut } from './stdout.js';
import { ConfigError } from '../../errors.js';
import {
  DATASET_NAMES,
  datasetInfo,
  datasetStatus,
  fetchDataset,
  loadDataset,
  loadCustomDataset,
  isDatasetPath,
  datasetNameOrPath,
  imageSize,
  channelCount,
  testFraction,
  summaryLine,
  type CustomOptions,
  type DatasetName,
  type DatasetStatus,
  type ImageSet,
  type LoadedDataset,
} from '../../data/index.js';

interface DataArgs {
  'data-dir'?: string;
  'data-mirror'?: string;
}
interface ShowArgs extends DataArgs {
  name: string;
  'image-size'?: string;
  channels?: number;
  'test-fraction'?: number;
  split: 'train' | 'test';
  index: number;
  json: boolean;
  'label-mode'?: string;
}

const WHERE =
  'Data is looked for in --data-dir, then $NAS_DATA_DIR, then ~/.cache/nas/datasets ($XDG_CACHE_HOME/nas/datasets), ' +
  'each holding one folder per dataset (e.g. DIR/cifar100/cifar-100-binary/); Fashion-MNIST also in ' +
  '/usr/share/datasets/fashion-mnist (Debian). Downloads go to the first of these.';

function dataOptions<T>(yargs: Argv<T>) {
  return yargs
    .option('data-dir', { type: 'string', describe: 'Folder to look in first and to download into' })
    .option('data-mirror', {
      type: 'string',
      describe: 'Base URL to download from instead of the official sites (files at URL/DATASET/FILE); also $NAS_DATA_MIRROR',
    });
}

function datasetArgument<T>(yargs: Argv<T>) {
  return yargs.positional('name', { choices: DATASET_NAMES, demandOption: true, describe: 'Dataset name' });
}

const fetchCommand: CommandModule<DataArgs, DataArgs & { name: DatasetName }> = {
  command: 'fetch <name>',
  describe: 'Download a dataset now (checked against its published MD5) so that later runs find it',
  builder: (yargs) => datasetArgument(dataOptions(yargs)) as Argv<DataArgs & { name: DatasetName }>,
  handler: async (args) => {
    const dir = await fetchDataset(args.name, { dataDir: args['data-dir'], mirror: args['data-mirror'] });
    writeOut(`${args.name}: ${dir}\n`);
  },
};

const showCommand: CommandModule<DataArgs, ShowArgs> = {
  command: 'show <name>',
  describe: "Print one example's label(s) and its pixels in HWC order (of a shipped dataset, or of your own data given as a path)",
  builder: (yargs) =>
    dataOptions(yargs)
      .positional('name', { type: 'string', demandOption: true, describe: `Dataset: ${DATASET_NAMES.join(', ')}, or a path (a folder of images, an .npz or a .csv file)` })
      .option('image-size', { type: 'string', describe: 'With a folder: resize every image to HxW [default: the most common size, at most 64 a side]' })
      .option('channels', { type: 'number', describe: 'With a folder: 1 (grayscale) or 3 (RGB) [default: 1 when every image is grayscale]' })
      .option('test-fraction', { type: 'number', describe: 'With a path whose files have no test split: the share held out as the test set [default: 0.2]' })
      .option('split', { choices: ['train', 'test'] as const, default: 'train' as const, describe: 'Which set' })
      .option('index', { type: 'number', default: 0, describe: 'Example index (0-based) in that set' })
      .option('label-mode', { type: 'string', describe: 'cifar100: fine|coarse; fer2013: all|binary' })
      .option('json', { type: 'boolean', default: false, describe: 'Print JSON: labels, shape and pixels as [H][W][C] integers' }) as Argv<ShowArgs>,
  handler: async (args) => {
    const name = datasetNameOrPath('dataset', args.name);
    let summary: string | undefined;
    let data: LoadedDataset;
    if (isDatasetPath(name)) {
      if (args['label-mode'] !== undefined) throw new ConfigError('--label-mode applies to cifar100 and fer2013, not to a dataset given as a path');
      const read = await loadCustomDataset(name, customOptions(args), { dataDir: args['data-dir'] });
      summary = summaryLine(read.descriptor, read.stats, read.cacheError);
      data = read.dataset;
    } else {
      const given = Object.keys(customOptions(args))[0];
      if (given) throw new ConfigError(`--${given.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)} applies to a dataset given as a path, not to ${name}`);
      data = await loadDataset(name, { dataDir: args['data-dir'], mirror: args['data-mirror'], labelMode: args['label-mode'] });
    }
    const set = data[args.split];
    if (!Number.isInteger(args.index) || args.index < 0 || args.index >= set.count) {
      throw new ConfigError(`--index must be an integer from 0 to ${set.count - 1} for ${args.name} ${args.split}, got ${args.index}`);
    }
    const example = describeExample(data, set, args);
    writeOut(args.json ? `${JSON.stringify(example)}\n` : `${summary ? `data: ${summary}\n` : ''}${humanExample(example)}`);
  },
};

function customOptions(args: ShowArgs): CustomOptions {
  const custom: CustomOptions = {};
  if (args['image-size'] !== undefined) custom.imageSize = imageSize('--image-size', args['image-size']);
  if (args.channels !== undefined) custom.channels = channelCount('--channels', args.channels);
  if (args['test-fraction'] !== undefined) custom.testFraction = testFraction('--test-fraction', args['test-fraction']);
  return custom;
}

export const datasetsCommand: CommandModule<DataArgs, DataArgs & { json?: boolean }> = {
  command: 'datasets',
  describe: 'List the datasets, where each was found and its size; fetch or show one (see nas datasets --help)',
  builder: (yargs) =>
    dataOptions(yargs)
      .option('json', { type: 'boolean', describe: 'Print the list as JSON' })
      .command(fetchCommand as unknown as CommandModule<DataArgs, DataArgs>)
      .command(showCommand as unknown as CommandModule<DataArgs, DataArgs>)
      .epilogue(WHERE),
  handler: async (args) => {
    const statuses = await Promise.all(DATASET_NAMES.map((name) => datasetStatus(name, args['data-dir'])));
    writeOut(args.json ? `${JSON.stringify(statuses, null, 2)}\n` : table(statuses));
  },
};

function table(statuses: DatasetStatus[]): string {
  const rows = statuses.map((status) => {
    const info = datasetInfo(status.name);
    return [status.name, String(info.numClasses), info.inputShape.join('x'), String(status.counts.train), String(status.counts.test), where(status)];
  });
  const header = ['dataset', 'classes', 'input', 'train', 'test', 'location'];
  const widths = header.map((title, c) => Math.max(title.length, ...rows.map((row) => row[c].length)));
  const line = (cells: string[]) => cells.map((cell, c) => (c === cells.length - 1 ? cell : cell.padEnd(widths[c]))).join('  ');
  const notes = statuses.filter((status) => status.help).map((status) => `${status.name}: ${status.help}`);
  return [line(header), ...rows.map(line), '', ...notes, ...(notes.length ? [''] : [])].join('\n');
}

function where(status: DatasetStatus): string {
  if (status.location) return status.location;
  return status.downloadable ? 'not found: downloadable (sizes as published)' : 'not found (see below)';
}

interface Example {
  dataset: string;
  split: string;
  index: number;
  labelMode: string;
  label: number;
  className: string;
  /** Every label mode's label, where the files carry several (cifar100: fine and coarse). */
  labels: Record<string, { label: number; className: string }>;
  shape: [number, number, number];
  pixels: number[][][];
}

function describeExample(data: LoadedDataset, set: ImageSet, args: ShowArgs): Example {
  const labelMode = data.info.labelMode ?? 'default';
  const labels: Example['labels'] = {};
  for (const [mode, values] of Object.entries(set.labelsByMode ?? { [labelMode]: set.labels })) {
    const names = mode === labelMode ? data.info.classNames : datasetInfo(args.name as DatasetName, { labelMode: mode }).classNames;
    labels[mode] = { label: values[args.index], className: names[values[args.index]] };
  }
  const [height, width, channels] = set.shape;
  const size = height * width * channels;
  const image = set.images.subarray(args.index * size, (args.index + 1) * size);
  const pixels = Array.from({ length: height }, (_, y) =>
    Array.from({ length: width }, (_, x) => Array.from(image.subarray((y * width + x) * channels, (y * width + x + 1) * channels))),
  );
  const label = set.labels[args.index];
  return {
    dataset: data.info.name,
    split: args.split,
    index: args.index,
    labelMode,
    label,
    className: data.info.classNames[label],
    labels,
    shape: [height, width, channels],
    pixels,
  };
}

const SHADES = ' .:-=+*#%@';

function humanExample(example: Example): string {
  const labels = Object.entries(example.labels).map(([mode, { label, className }]) =>
    mode === 'default' ? `${label} (${className})` : `${mode} ${label} (${className})`,
  );
  const art = example.pixels.map((row) =>
    row.map((pixel) => SHADES[Math.floor((pixel.reduce((a, b) => a + b, 0) / pixel.length / 256) * SHADES.length)]).join(''),
  );
  return [`${example.dataset} ${example.split} #${example.index}: label ${labels.join(', ')}; shape ${example.shape.join('x')}`, ...art, ''].join('\n');
}
