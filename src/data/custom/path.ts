/** Whether a --dataset value names a shipped dataset or a path to the user's own data, and which kind of data. */
import fs from 'node:fs';
import path from 'node:path';
import { DataError } from '../../errors.js';
import { DATASET_NAMES } from '../registry.js';
import type { CustomKind } from './types.js';

/** File extensions read as array datasets, and their kind; a folder is read as images. */
export const DATA_FILE_KINDS: Readonly<Record<string, CustomKind>> = { '.npz': 'npz', '.csv': 'csv' };

/** Extensions of the image files in a folder dataset (lower case); other files are ignored and counted. */
export const IMAGE_EXTENSIONS: readonly string[] = ['.png', '.jpg', '.jpeg', '.webp'];

/**
 * A shipped name always names its dataset (a folder called `mnist` is `./mnist`); otherwise a value containing a
 * path separator, ending in a known extension, or naming an existing folder is a path.
 */
export function isDatasetPath(value: string): boolean {
  if ((DATASET_NAMES as readonly string[]).includes(value)) return false;
  if (value.includes('/') || value.includes(path.sep)) return true;
  if (path.extname(value).toLowerCase() in DATA_FILE_KINDS) return true;
  return isDirectory(value);
}

/** The kind of data at `source` (resolved), or a DataError saying why it is none. */
export function customKindOf(source: string): CustomKind {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(source);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ELOOP') throw new DataError(`${source}: symlink loop`);
    throw new DataError(`${source}: no such file or folder`);
  }
  if (stat.isDirectory()) return 'folder';
  const kind = DATA_FILE_KINDS[path.extname(source).toLowerCase()];
  if (!kind || !stat.isFile()) {
    throw new DataError(`${source}: a dataset path must be a folder of images (one subfolder per class), an .npz or a .csv file`);
  }
  return kind;
}

function isDirectory(value: string): boolean {
  try {
    return fs.statSync(value).isDirectory();
  } catch {
    return false;
  }
}
