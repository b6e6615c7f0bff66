import { cifarDataset } from './cifar.js';
import { imageSet } from './spec.js';

const CLASSES = ['airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck'];

/** `cifar-10-binary.tar.gz`: records of 1 label byte + 3,072 pixel bytes; names in batches.meta.txt. */
export const cifar10 = cifarDataset({
  name: 'cifar10',
  description: 'CIFAR-10: 32x32 colour images, 10 classes',
  archive: 'cifar-10-binary.tar.gz',
  md5: 'c32a1d4ab5d03f1284b67883e8d87530',
  folder: 'cifar-10-batches-bin',
  train: [1, 2, 3, 4, 5].map((i) => `data_batch_${i}.bin`),
  test: ['test_batch.bin'],
  layout: { labelBytes: 1, labelLimits: [CLASSES.length] },
  labelModes: { default: CLASSES },
  defaultLabelMode: 'default',
  toSet: (records, _mode, shape) => imageSet(records.images, records.labels[0], shape),
});
