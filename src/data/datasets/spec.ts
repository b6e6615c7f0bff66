/** What every dataset in the registry provides: its description, where its files live, and how to read them. */
import path from 'node:path';
import type { Shape3 } from '../../space/types.js';
import type { DatasetName, ImageSet, LoadOptions } from '../types.js';
import type { ProgressSink } from '../fetch/progress.js';

export interface SetCounts {
  train: number;
  test: number;
}

export interface DownloadFile {
  name: string;
  md5: string;
  /** A .tar.gz: extract this top-level folder into the dataset folder, then delete the archive. */
  extractFolder?: string;
}

export interface DownloadPlan {
  officialBase: string;
  files: DownloadFile[];
}

export interface DatasetSpec {
  name: DatasetName;
  shape: Shape3;
  description: string;
  defaultLabelMode: string;
  /** Class names for every label mode. */
  labelModes: Record<string, string[]>;
  /** Standard augmentation (see DatasetInfo.augmentation). */
  augmentation?: { cropPadding: number; flip: boolean };
  /** Train/test sizes of the published files in the default label mode. */
  publishedCounts: SetCounts;
  /** Paths, relative to a dataset folder, that must all exist for the dataset to count as found. */
  requiredFiles: string[];
  /** Folders that may hold the dataset, in search order, given the data roots. */
  candidateDirs(roots: string[]): string[];
  download?: DownloadPlan;
  /** An archive the user may place in a data root instead (kept); its folder is extracted next to it. */
  userArchive?: { name: string; folder: string };
  /** Instructions when the files are absent and cannot be downloaded. */
  placementHelp?(roots: string[]): string;
  /** True for data generated in memory (no files). */
  generated?: boolean;
  read(dir: string, labelMode: string, opts: LoadOptions, progress: ProgressSink): Promise<{ train: ImageSet; test: ImageSet }>;
  /** Train/test sizes of the files in `dir`, read cheaply (headers, file sizes). */
  count(dir: string): Promise<SetCounts>;
}

/** `<root>/<name>` under every root: the default layout. */
export function namedFolders(name: string): (roots: string[]) => string[] {
  return (roots) => roots.map((root) => path.join(root, name));
}

export function imageSet(images: Uint8Array, labels: Uint8Array, shape: Shape3, labelsByMode?: Record<string, Uint8Array>): ImageSet {
  const set: ImageSet = { images, labels, count: labels.length, shape };
  if (labelsByMode) set.labelsByMode = labelsByMode;
  return set;
}
