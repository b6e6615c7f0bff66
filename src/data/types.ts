/**
 * The dataset contract. Pure data, no tfjs: images stay uint8 (HWC, row-major) until a batch is made,
 * and batches are float32 typed arrays that the trainer wraps in tensors.
 */
import type { Shape3 } from '../space/types.js';
import type { CustomOptions, DatasetDescriptor } from './custom/types.js';

export type DatasetName = 'cifar100' | 'cifar10' | 'mnist' | 'fashion-mnist' | 'fer2013' | 'synthetic';

export interface DatasetInfo {
  /** A shipped dataset's name, or the path of the user's own data (--dataset PATH). */
  name: string;
  inputShape: Shape3;
  numClasses: number;
  classNames: string[];
  /** The label mode these classes belong to (cifar100: fine|coarse, fer2013: all|binary, others: default). */
  labelMode?: string;
  /**
   * The standard augmentation for this dataset when augmentation is asked for (random crop after zero padding,
   * and a horizontal flip where the flip keeps the class: not for digits); absent where none is safe (synthetic,
   * whose classes are bar orientations that a shift or flip could change).
   */
  augmentation?: { cropPadding: number; flip: boolean };
}

/** N images, each H*W*C bytes in HWC order, and N labels in [0, numClasses). */
export interface ImageSet {
  images: Uint8Array;
  labels: Uint8Array;
  count: number;
  shape: Shape3;
  /**
   * Every label mode's labels for the same examples, when the files carry more than one
   * (cifar100: { fine, coarse }). `labels` is the one the loaded label mode selected.
   */
  labelsByMode?: Record<string, Uint8Array>;
}

export interface LoadedDataset {
  info: DatasetInfo;
  train: ImageSet;
  test: ImageSet;
  /** Where the files were found, for messages and `nas datasets`. */
  source: string;
}

export interface LoadOptions {
  dataDir?: string;
  mirror?: string;
  /** cifar100: 'fine' (100 classes, default) or 'coarse' (20). fer2013: 'all' (7) or 'binary' (2). */
  labelMode?: string;
  /** Download when absent (default true). */
  download?: boolean;
  /** Called with progress of downloads and long reads. */
  onProgress?: (event: { phase: string; done: number; total: number }) => void;
  /** MD5 overrides for downloaded files, by file name (tests, private mirrors). Also $NAS_DATA_CHECKSUMS (JSON). */
  checksums?: Record<string, string>;
  /** synthetic only: example counts (default 600 train, 200 test). */
  synthetic?: { trainCount?: number; testCount?: number };
  /** A dataset path: how to read it (default: every option's default). */
  custom?: CustomOptions;
  /** A described dataset (the experiment's): read from its path with its options, refused when its content differs. */
  descriptor?: DatasetDescriptor;
}

/** Index lists into the training ImageSet; never overlapping. Test data is a separate ImageSet. */
export interface Split {
  train: Int32Array;
  val: Int32Array;
}

export interface SplitOptions {
  /** Fraction of the training set held out for validation, stratified. Default 0.1. */
  valFraction: number;
  /**
   * Keep at most this many training examples (stratified subset), for cheap proxy searches. The validation
   * set then shrinks in proportion (valFraction of train + val), so a proxy search stays cheap throughout,
   * unless `valLimit` says how many to keep.
   */
  trainLimit?: number;
  /**
   * Keep at most this many validation examples (stratified), whatever `trainLimit` is: a proxy search on a
   * small training subset can still be scored on a validation set large enough to rank architectures.
   */
  valLimit?: number;
  seed: string | number;
}

/** Per-channel mean and standard deviation of pixel values in [0, 1], computed on the training split only. */
export interface Normalisation {
  mean: number[];
  std: number[];
}

export interface Batch {
  /** count * H * W * C float32, normalised, HWC. */
  x: Float32Array;
  /** count labels. */
  y: Int32Array;
  count: number;
}

export interface BatchOptions {
  batchSize: number;
  shuffle: boolean;
  seed: string | number;
  /** Random crop after zero padding of this many pixels, and horizontal flip. Off by default. */
  augment?: { cropPadding: number; flip: boolean };
}

/*
 * Public API of src/data (src/data/index.ts):
 *   DATASET_NAMES: DatasetName[]
 *   datasetInfo(name, opts?: { labelMode?: string }): DatasetInfo
 *   loadDataset(name, opts?: LoadOptions): Promise<LoadedDataset>
 *   makeSplit(labels: Uint8Array, numClasses: number, opts: SplitOptions): Split
 *   computeNormalisation(set: ImageSet, indices: Int32Array): Normalisation
 *   batches(set: ImageSet, indices: Int32Array, norm: Normalisation, opts: BatchOptions): Iterable<Batch>
 *   fetchDataset(name, opts?: LoadOptions): Promise<string>   (download ahead of time; returns the folder)
 *   datasetStatus(name, dataDir?): Promise<DatasetStatus>    (where found, counts; for `nas datasets`)
 */
