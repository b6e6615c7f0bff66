/** What CIFAR-10 and CIFAR-100 share: the Toronto download, the binary record layout, the folder search. */
import fs from 'node:fs';
import path from 'node:path';
import type { Shape3 } from '../../space/types.js';
import type { DatasetName, ImageSet } from '../types.js';
import { CIFAR_SIDE, readCifarFiles, type CifarLayout, type CifarRecords } from '../formats/cifarBinary.js';
import type { DatasetSpec } from './spec.js';

const SHAPE: Shape3 = [CIFAR_SIDE, CIFAR_SIDE, 3];
const TORONTO = 'https://www.cs.toronto.edu/~kriz/';
const PIXELS = CIFAR_SIDE * CIFAR_SIDE * 3;

export interface CifarOptions {
  name: DatasetName;
  description: string;
  archive: string;
  md5: string;
  /** The archive's top-level folder. */
  folder: string;
  train: string[];
  test: string[];
  layout: CifarLayout;
  labelModes: Record<string, string[]>;
  defaultLabelMode: string;
  /** The ImageSet for the chosen label mode from the records' label bytes. */
  toSet(records: CifarRecords, mode: string, shape: Shape3): ImageSet;
}

export function cifarDataset(options: CifarOptions): DatasetSpec {
  const inFolder = (files: string[]) => files.map((file) => `${options.folder}/${file}`);
  const [train, test] = [inFolder(options.train), inFolder(options.test)];
  const records = (dir: string, files: string[]) =>
    files.reduce((sum, file) => sum + Math.floor(fs.statSync(path.join(dir, file)).size / (options.layout.labelBytes + PIXELS)), 0);
  return {
    name: options.name,
    shape: SHAPE,
    description: options.description,
    defaultLabelMode: options.defaultLabelMode,
    labelModes: options.labelModes,
    augmentation: { cropPadding: 4, flip: true },
    publishedCounts: { train: 50000, test: 10000 },
    requiredFiles: [...train, ...test],
    // The extracted folder's name is unique, so a plain `tar xzf` in a data root works too.
    candidateDirs: (roots) => roots.flatMap((root) => [path.join(root, options.name), root]),
    download: { officialBase: TORONTO, files: [{ name: options.archive, md5: options.md5, extractFolder: options.folder }] },
    async read(dir, mode, _opts, progress) {
      const load = async (files: string[]) =>
        options.toSet(await readCifarFiles(files.map((file) => path.join(dir, file)), options.layout, progress), mode, SHAPE);
      return { train: await load(train), test: await load(test) };
    },
    async count(dir) {
      return { train: records(dir, train), test: records(dir, test) };
    },
  };
}
