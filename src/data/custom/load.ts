/**
 * Datasets given as a path (`--dataset ./photos`, `data.npz`, `pixels.csv`): read once, decoded, into the dataset
 * cache (cache.ts), then read from there by every later load whose source and options are unchanged; described by
 * a DatasetDescriptor that the experiment keeps and that a later load is checked against.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { ConfigError, DataError } from '../../errors.js';
import { readCsvArrays } from '../formats/csv-arrays.js';
import { readNpz } from '../formats/npz.js';
import type { DatasetInfo, ImageSet, LoadedDataset } from '../types.js';
import { cacheFolder, cacheKey, readCache, readCacheHeader, writeCache, type CacheHeader } from './cache.js';
import { readImageFolder } from './folder.js';
import { holdOut } from './holdout.js';
import { DEFAULT_TEST_FRACTION, MAX_CLASSES } from './options.js';
import { customKindOf } from './path.js';
import { folderFingerprint, scanImageFolder, type FolderScan } from './scan.js';
import type { ArrayDataset, CustomKind, CustomLoadStats, CustomOptions, DatasetDescriptor } from './types.js';

export interface CustomContext {
  dataDir?: string;
  onProgress?: (event: { phase: string; done: number; total: number }) => void;
}

export interface CustomLoad {
  descriptor: DatasetDescriptor;
  stats: CustomLoadStats;
  /** Absent from describeCustomDataset on a cache hit (only the entry's header is read). */
  dataset?: LoadedDataset;
  /** Why the decoded arrays could not be cached (they are then decoded again next time). */
  cacheError?: string;
}

/** Reads the dataset at `source` (from the cache when it can) with its arrays. */
export function loadCustomDataset(source: string, options: CustomOptions, context: CustomContext = {}): Promise<CustomLoad & { dataset: LoadedDataset }> {
  return open(source, options, context, true) as Promise<CustomLoad & { dataset: LoadedDataset }>;
}

/** What the dataset at `source` holds; decodes it into the cache when it is not there, else reads the entry's header only. */
export function describeCustomDataset(source: string, options: CustomOptions, context: CustomContext = {}): Promise<CustomLoad> {
  return open(source, options, context, false);
}

async function open(source: string, options: CustomOptions, context: CustomContext, arrays: boolean): Promise<CustomLoad> {
  const started = performance.now();
  const root = path.resolve(source);
  const kind = customKindOf(root);
  if (kind !== 'folder' && (options.imageSize || options.channels)) {
    throw new ConfigError(`--${options.imageSize ? 'image-size' : 'channels'} applies to image folders; ${source} is a .${kind} file`);
  }
  const scan = kind === 'folder' ? scanImageFolder(root) : undefined;
  const key = cacheKey(kind, scan ? folderFingerprint(scan) : fileFingerprint(root), options);
  const file = path.join(cacheFolder(context.dataDir), `${key}.bin`);
  const cached = arrays ? readCache(file) : undefined;
  const header = cached?.header ?? (arrays ? undefined : readCacheHeader(file));
  if (header) {
    const descriptor = descriptorOf(root, header);
    const stats = statsOf(header, false, started);
    return cached ? { descriptor, stats, dataset: loaded(descriptor, cached.train, cached.test) } : { descriptor, stats };
  }
  const read = await readSource(kind, root, scan, options, context);
  checkArrays(root, read.data);
  const fresh: CacheHeader = {
    version: 1,
    kind,
    source: root,
    options,
    fingerprint: read.fingerprint,
    classNames: read.data.classNames,
    shape: [...read.data.train.shape],
    train: read.data.train.count,
    test: read.data.test.count,
    testSplit: read.testSplit,
    images: scan ? scan.files.length : read.data.train.count + read.data.test.count,
    ignored: scan?.ignored ?? 0,
    skipped: read.skipped,
    skippedExamples: read.skippedExamples,
  };
  const cacheError = writeCache(cacheFolder(context.dataDir), key, fresh, read.data.train, read.data.test);
  const descriptor = descriptorOf(root, fresh);
  const result: CustomLoad = { descriptor, stats: statsOf(fresh, true, started), dataset: loaded(descriptor, read.data.train, read.data.test) };
  return cacheError ? { ...result, cacheError } : result;
}

interface SourceRead {
  data: ArrayDataset & { test: ImageSet };
  testSplit: DatasetDescriptor['testSplit'];
  fingerprint: string;
  skipped: number;
  skippedExamples: string[];
}

async function readSource(kind: CustomKind, root: string, scan: FolderScan | undefined, options: CustomOptions, context: CustomContext): Promise<SourceRead> {
  if (scan) {
    if (scan.layout === 'train-test' && options.testFraction !== undefined) {
      throw new ConfigError(`--test-fraction: ${root} has its own test/ folder, which is the test set`);
    }
    return readImageFolder(root, scan, options, context.onProgress);
  }
  const data = await readArrays(kind, root, options);
  const fingerprint = createHash('sha256').update(`${kind}\n`).update(fs.readFileSync(root)).digest('hex');
  const base = { fingerprint, skipped: 0, skippedExamples: [] };
  if (data.test) {
    if (options.testFraction !== undefined) throw new ConfigError(`--test-fraction: ${root} has its own test set`);
    return { ...base, data: { ...data, test: data.test }, testSplit: 'given' };
  }
  const split = holdOut(data.train, data.classNames.length, options.testFraction ?? DEFAULT_TEST_FRACTION);
  return { ...base, data: { ...split, classNames: data.classNames }, testSplit: 'held-out' };
}

/** The array readers: src/data/formats/npz.ts and csv-arrays.ts. */
function readArrays(kind: CustomKind, file: string, options: CustomOptions): Promise<ArrayDataset> {
  return kind === 'npz' ? readNpz(file) : readCsvArrays(file, options.csv);
}

/** What a format reader returned, checked: two classes at least, labels among them, one shape. */
function checkArrays(root: string, data: ArrayDataset): void {
  const classes = data.classNames.length;
  if (classes < 2 || classes > MAX_CLASSES) throw new DataError(`${root}: ${classes} classes; a dataset needs 2 to ${MAX_CLASSES}`);
  for (const set of [data.train, data.test]) {
    if (!set) continue;
    const bad = set.labels.findIndex((label) => label >= classes);
    if (bad >= 0) throw new DataError(`${root}: label ${set.labels[bad]} of example ${bad} is not below the ${classes} classes`);
    if (set.shape.join('x') !== data.train.shape.join('x')) throw new DataError(`${root}: train and test images differ in shape`);
  }
}

function fileFingerprint(file: string): string {
  const stat = fs.statSync(file);
  return createHash('sha256').update(`${path.basename(file)}\0${stat.size}\0${stat.mtimeMs}`).digest('hex');
}

function descriptorOf(root: string, header: CacheHeader): DatasetDescriptor {
  return {
    kind: header.kind,
    path: root,
    options: header.options,
    classNames: [...header.classNames],
    shape: [...header.shape],
    counts: { train: header.train, test: header.test },
    testSplit: header.testSplit,
    fingerprint: header.fingerprint,
  };
}

function statsOf(header: CacheHeader, decoded: boolean, started: number): CustomLoadStats {
  const { images, ignored, skipped, skippedExamples } = header;
  return { images, ignored, skipped, skippedExamples, decoded, seconds: (performance.now() - started) / 1000 };
}

function loaded(descriptor: DatasetDescriptor, train: ImageSet, test: ImageSet): LoadedDataset {
  return { info: describedInfo(descriptor), train, test, source: descriptor.path };
}

/**
 * The DatasetInfo of a described dataset: its path as its name, no label modes, and as its standard augmentation a
 * random crop after zero padding of an eighth of the shorter side (CIFAR's 4 pixels at 32), never a flip: whether a
 * mirror keeps the class (digits, text, left and right) is not known for the user's images.
 */
export function describedInfo(descriptor: DatasetDescriptor): DatasetInfo {
  const [height, width] = descriptor.shape;
  return {
    name: descriptor.path,
    inputShape: [...descriptor.shape],
    numClasses: descriptor.classNames.length,
    classNames: [...descriptor.classNames],
    augmentation: { cropPadding: Math.max(1, Math.round(Math.min(height, width) / 8)), flip: false },
  };
}
