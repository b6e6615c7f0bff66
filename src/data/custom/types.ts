/**
 * Types for datasets that come from the user's own files (`--dataset PATH`) rather than a shipped name:
 * image folders, .npz archives, CSV arrays. Format readers return an ArrayDataset; the custom loader
 * (src/data/custom/load.ts) caches it decoded, and describes it with a DatasetDescriptor that the experiment keeps.
 */
import type { Shape3 } from '../../space/types.js';
import type { CsvOptions } from '../formats/csv-arrays.js';
import type { ImageSet } from '../types.js';

/**
 * What a format reader produces: decoded uint8 HWC images with labels in [0, classNames.length).
 * `test` is null when the files carry no test split; the loader then holds out a stratified, seeded one.
 */
export interface ArrayDataset {
  train: ImageSet;
  test: ImageSet | null;
  classNames: string[];
}

/** What a path given as --dataset holds: a folder of images in class folders, a NumPy .npz, or a CSV of pixels. */
export type CustomKind = 'folder' | 'npz' | 'csv';

/** The options of a dataset given as a path, as the user gave them; an absent one takes its default. */
export interface CustomOptions {
  /** Folders: every image is resized to [height, width]. Default: the most common size, capped (DEFAULT_MAX_SIDE). */
  imageSize?: [number, number];
  /** Folders: 1 (grayscale) or 3 (RGB). Default: 1 when every image is stored as grayscale, else 3. */
  channels?: 1 | 3;
  /** Share of the examples held out as the test set when the files have no test split of their own. Default 0.2. */
  testFraction?: number;
  /** CSV only: the options of readCsvArrays (src/data/formats/csv-arrays.ts), passed through as given. */
  csv?: CsvOptions;
}

/**
 * The data behind an experiment, stored with it (in its config): where it was, how it was read, what it held.
 * A replay reads the same path with the same options and refuses when the content fingerprint differs.
 */
export interface DatasetDescriptor {
  kind: CustomKind;
  /** Absolute path of the folder or file. */
  path: string;
  /** The options as given (the cache is keyed by these, so a replay finds the search's decoded arrays). */
  options: CustomOptions;
  classNames: string[];
  /** The shape every image was decoded (and resized) to. */
  shape: Shape3;
  counts: { train: number; test: number };
  /** 'given': a train/ + test/ pair (or x_test in an .npz); 'held-out': a stratified, seeded share of the examples. */
  testSplit: 'given' | 'held-out';
  /** SHA-256 of the source: each image file's relative path and bytes (a file's bytes for .npz and .csv). */
  fingerprint: string;
}

/** How a load went, for the summary line. */
export interface CustomLoadStats {
  /** Image files found (decoded or skipped); for files, the examples read. */
  images: number;
  /** Files that are not images (by extension), ignored. */
  ignored: number;
  /** Images that could not be decoded, skipped; with the first few of them and why. */
  skipped: number;
  skippedExamples: string[];
  /** False when the arrays came from the dataset cache. */
  decoded: boolean;
  seconds: number;
}
