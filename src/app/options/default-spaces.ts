import { datasetInfo } from '../../data/index.js';
import type { DatasetName } from '../../data/types.js';
import type { Shape3 } from '../../space/types.js';

/**
 * The space a search uses when --space is not given: one made for the dataset's images. Its own default MAC
 * cap (`defaultMaxMacs` in the space file) then applies unless --max-macs is given.
 */
export const DEFAULT_SPACES: Readonly<Record<DatasetName, string>> = {
  'fashion-mnist': 'fashion',
  mnist: 'fashion',
  cifar10: 'cifar-deep',
  cifar100: 'cifar-deep',
  fer2013: 'seed-cnn',
  synthetic: 'seed-cnn',
};

/** The user's own data (--dataset PATH) gets the small CNNs of `fashion`, whose MAC cap keeps a CPU search short. */
export const CUSTOM_DATA_SPACE = 'fashion';

export function defaultSpaceOf(dataset: string): string {
  return DEFAULT_SPACES[dataset as DatasetName] ?? CUSTOM_DATA_SPACE;
}

/**
 * The problem a shipped space is made for, where the datasets it is the default of agree on it: fashion is
 * for 28x28x1 images in 10 classes, cifar-deep for 32x32x3 ones (in 10 or 100 classes: no class count), and
 * seed-cnn serves images of two sizes (neither). Space commands take it when no --input or --dataset is given.
 */
export function spaceProblem(spaceName: string): { input?: Shape3; classes?: number } {
  const infos = (Object.keys(DEFAULT_SPACES) as DatasetName[])
    .filter((dataset) => DEFAULT_SPACES[dataset] === spaceName)
    .map((dataset) => datasetInfo(dataset));
  const input = shared(infos.map((info) => info.inputShape));
  if (!input) return {};
  const classes = shared(infos.map((info) => info.numClasses));
  return classes === undefined ? { input } : { input, classes };
}

/** The value all of `values` share (compared as text), or undefined when they differ or there are none. */
function shared<T>(values: T[]): T | undefined {
  return values.length > 0 && values.every((value) => String(value) === String(values[0])) ? values[0] : undefined;
}
