import type { DatasetName } from '../../data/types.js';

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
