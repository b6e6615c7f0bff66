/** MNIST and Fashion-MNIST: four gzip IDX files each, 28x28 grayscale, 10 classes. */
import path from 'node:path';
import type { Shape3 } from '../../space/types.js';
import { DataError } from '../../errors.js';
import { readIdxCount, readIdxImages, readIdxLabels } from '../formats/idx.js';
import { DEBIAN_FASHION_MNIST } from '../fetch/locations.js';
import type { DatasetName, ImageSet } from '../types.js';
import { imageSet, namedFolders, type DatasetSpec } from './spec.js';

const SIDE = 28;
const SHAPE: Shape3 = [SIDE, SIDE, 1];
const FILES = {
  trainImages: 'train-images-idx3-ubyte.gz',
  trainLabels: 'train-labels-idx1-ubyte.gz',
  testImages: 't10k-images-idx3-ubyte.gz',
  testLabels: 't10k-labels-idx1-ubyte.gz',
};
type Md5s = Record<keyof typeof FILES, string>;

interface IdxDatasetOptions {
  name: DatasetName;
  description: string;
  classNames: string[];
  officialBase: string;
  md5: Md5s;
  extraDirs?: string[];
  augmentation: DatasetSpec['augmentation'];
}

function idxDataset(options: IdxDatasetOptions): DatasetSpec {
  const files = Object.values(FILES);
  const numClasses = options.classNames.length;
  return {
    name: options.name,
    shape: SHAPE,
    description: options.description,
    defaultLabelMode: 'default',
    labelModes: { default: options.classNames },
    augmentation: options.augmentation,
    publishedCounts: { train: 60000, test: 10000 },
    requiredFiles: files,
    candidateDirs: (roots) => [...namedFolders(options.name)(roots), ...(options.extraDirs ?? [])],
    download: {
      officialBase: options.officialBase,
      files: (Object.keys(FILES) as (keyof typeof FILES)[]).map((key) => ({ name: FILES[key], md5: options.md5[key] })),
    },
    async read(dir) {
      const [train, test] = await Promise.all([
        readPair(path.join(dir, FILES.trainImages), path.join(dir, FILES.trainLabels), numClasses),
        readPair(path.join(dir, FILES.testImages), path.join(dir, FILES.testLabels), numClasses),
      ]);
      return { train, test };
    },
    async count(dir) {
      const [train, test] = await Promise.all([
        readIdxCount(path.join(dir, FILES.trainLabels)),
        readIdxCount(path.join(dir, FILES.testLabels)),
      ]);
      return { train, test };
    },
  };
}

async function readPair(imagesFile: string, labelsFile: string, numClasses: number): Promise<ImageSet> {
  const [images, labels] = await Promise.all([readIdxImages(imagesFile), readIdxLabels(labelsFile, numClasses)]);
  if (images.rows !== SIDE || images.cols !== SIDE) {
    throw new DataError(`${imagesFile}: images are ${images.rows}x${images.cols}, expected ${SIDE}x${SIDE}`);
  }
  if (images.count !== labels.length) {
    throw new DataError(`${imagesFile} has ${images.count} images but ${labelsFile} has ${labels.length} labels`);
  }
  return imageSet(images.images, labels, SHAPE);
}

export const mnist = idxDataset({
  name: 'mnist',
  description: 'MNIST: 28x28 grayscale handwritten digits, 10 classes',
  classNames: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
  // Small shifts only: a mirrored digit is another glyph (or another digit).
  augmentation: { cropPadding: 2, flip: false },
  officialBase: 'https://ossci-datasets.s3.amazonaws.com/mnist/',
  md5: {
    trainImages: 'f68b3c2dcbeaaa9fbdd348bbdeb94873',
    trainLabels: 'd53e105ee54ea40749a09fcbcd1e9432',
    testImages: '9fb629c4189551a2d022fa330f9573f3',
    testLabels: 'ec29112dd5afa0611ce80d1b7f02629c',
  },
});

export const fashionMnist = idxDataset({
  name: 'fashion-mnist',
  description: 'Fashion-MNIST: 28x28 grayscale Zalando article images, 10 classes',
  classNames: ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'],
  // Every class is itself mirrored (a left shoe is still a shoe); the articles are centred, so shifts stay small.
  augmentation: { cropPadding: 2, flip: true },
  officialBase: 'https://raw.githubusercontent.com/zalandoresearch/fashion-mnist/master/data/fashion/',
  md5: {
    trainImages: '8d4fb7e6c68d591d4c3dfef9ec88bf0d',
    trainLabels: '25c81989df183df01b3e8a0aad5dffbe',
    testImages: 'bef4ecab320f06d8554ea6380940ec79',
    testLabels: 'bb300cfdad3c16e7a12a480ee83cd310',
  },
  extraDirs: [DEBIAN_FASHION_MNIST],
});
