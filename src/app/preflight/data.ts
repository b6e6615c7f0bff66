import { ConfigError } from '../../errors.js';
import { datasetStatus, fetchDataset, infoOf, makeSplit, type DatasetName } from '../../data/index.js';
import type { SearchConfig } from '../options/index.js';

type DataSettings = Pick<SearchConfig, 'dataset' | 'datasetDescriptor' | 'dataDir' | 'labelMode' | 'valFraction' | 'trainLimit' | 'valLimit' | 'batchSize'>;

export interface SplitSizes {
  /** Images in the training set (as counted from the files, or the published count when they are absent). */
  total: number;
  train: number;
  val: number;
}

/**
 * The dataset is there (downloaded when `fetch` allows it) and a batch fits in the training split. (That the
 * validation split is large enough to rank architectures is an option rule: src/app/options/validation-split.ts.)
 */
export async function checkData(config: DataSettings, options: { fetch: boolean }): Promise<SplitSizes> {
  // The user's own data is checked against its descriptor: a resumed search refuses data that changed or moved.
  const descriptor = config.datasetDescriptor;
  if (options.fetch) await fetchDataset(config.dataset, { dataDir: config.dataDir, descriptor });
  const classes = infoOf(config).numClasses;
  const counts = descriptor?.counts ?? (await datasetStatus(config.dataset as DatasetName, config.dataDir)).counts;
  const sizes = splitSizes(counts.train, classes, config);
  if (config.batchSize > sizes.train) {
    throw new ConfigError(
      `--batch-size ${config.batchSize} is larger than the training split (${sizes.train} images of ${config.dataset}); ` +
        `lower --batch-size${config.trainLimit === undefined ? '' : ' or raise --train-limit'}`,
    );
  }
  return sizes;
}

/**
 * The sizes of the split the trainer will make. They depend only on the class sizes, which a stratified split keeps
 * in proportion, so evenly spread labels give the same totals without reading the files' labels.
 */
function splitSizes(total: number, classes: number, config: DataSettings): SplitSizes {
  const labels = Uint8Array.from({ length: total }, (_, i) => i % classes);
  const split = makeSplit(labels, classes, { valFraction: config.valFraction, trainLimit: config.trainLimit, valLimit: config.valLimit, seed: 0 });
  return { total, train: split.train.length, val: split.val.length };
}
