/**
 * FER2013 (Kaggle "Challenges in Representation Learning: Facial Expression Recognition"): cannot be downloaded
 * without a Kaggle login, so the user places fer2013.csv. Training and PublicTest rows form the training set
 * (the validation split is drawn from it); PrivateTest rows, the final Kaggle ranking, are the test set.
 */
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import type { Shape3 } from '../../space/types.js';
import { FER_SIDE, readFer2013Csv, type FerRows } from '../formats/fer2013Csv.js';
import { imageSet, type DatasetSpec } from './spec.js';

const SHAPE: Shape3 = [FER_SIDE, FER_SIDE, 1];
const CSV = 'fer2013.csv';
const PIXELS = FER_SIDE * FER_SIDE;
const EMOTIONS = ['Angry', 'Disgust', 'Fear', 'Happy', 'Sad', 'Surprise', 'Neutral'];

/**
 * Binary mode: negative emotions (Angry, Disgust, Fear, Sad) are class 0, positive ones (Happy, Surprise)
 * class 1; Neutral has no valence and is left out.
 */
const BINARY = ['negative', 'positive'];
const BINARY_CLASS_OF_EMOTION = [0, 0, 0, 1, 0, 1, -1];

export const fer2013: DatasetSpec = {
  name: 'fer2013',
  shape: SHAPE,
  description: 'FER2013: 48x48 grayscale faces, 7 emotions (label mode binary: negative vs positive)',
  defaultLabelMode: 'all',
  labelModes: { all: EMOTIONS, binary: BINARY },
  // A mirrored face keeps its expression.
  augmentation: { cropPadding: 4, flip: true },
  publishedCounts: { train: 28709 + 3589, test: 3589 },
  requiredFiles: [CSV],
  // Kaggle's download, holding fer2013/fer2013.csv.
  userArchive: { name: 'fer2013.tar.gz', folder: 'fer2013' },
  candidateDirs: (roots) => roots.flatMap((root) => [path.join(root, 'fer2013'), root]),
  placementHelp: (roots) =>
    `FER2013 cannot be downloaded automatically (it needs a Kaggle login). Download fer2013.csv from ` +
    `https://www.kaggle.com/c/challenges-in-representation-learning-facial-expression-recognition-challenge/data ` +
    `and put it at ${path.join(roots[0], 'fer2013', CSV)}, or Kaggle's fer2013.tar.gz at ${path.join(roots[0], 'fer2013.tar.gz')} ` +
    `(or pass --data-dir DIR with DIR/fer2013/${CSV})`,
  async read(dir, mode, _opts, progress) {
    const rows = await readFer2013Csv(path.join(dir, CSV), progress);
    const classOf = mode === 'binary' ? (emotion: number) => BINARY_CLASS_OF_EMOTION[emotion] : (emotion: number) => emotion;
    return {
      train: select(rows, (i) => rows.usages[i] !== 'PrivateTest', classOf),
      test: select(rows, (i) => rows.usages[i] === 'PrivateTest', classOf),
    };
  },
  async count(dir) {
    let rows = 0;
    let test = 0;
    const lines = readline.createInterface({ input: fs.createReadStream(path.join(dir, CSV)), crlfDelay: Infinity });
    for await (const line of lines) {
      if (!line.trim()) continue;
      rows++;
      if (line.trimEnd().endsWith('PrivateTest')) test++;
    }
    return { train: Math.max(rows - 1 - test, 0), test };
  },
};

function select(rows: FerRows, keep: (row: number) => boolean, classOf: (emotion: number) => number) {
  const chosen: number[] = [];
  for (let i = 0; i < rows.count; i++) if (keep(i) && classOf(rows.emotions[i]) >= 0) chosen.push(i);
  const images = new Uint8Array(chosen.length * PIXELS);
  const labels = new Uint8Array(chosen.length);
  chosen.forEach((row, k) => {
    images.set(rows.images.subarray(row * PIXELS, (row + 1) * PIXELS), k * PIXELS);
    labels[k] = classOf(rows.emotions[row]);
  });
  return imageSet(images, labels, SHAPE);
}
