/** Find a dataset's files (or fetch them), then read them into memory. */
import fs from 'node:fs';
import path from 'node:path';
import { DataError } from '../errors.js';
import type { DatasetName, LoadOptions, LoadedDataset } from './types.js';
import type { DatasetSpec, SetCounts } from './datasets/spec.js';
import { datasetInfo, datasetSpec, resolveLabelMode } from './registry.js';
import { dataRoots, downloadBase, downloadRoot, expectedMd5 } from './fetch/locations.js';
import { downloadFile, fileMd5 } from './fetch/download.js';
import { createFolder, removeEmptyFolders } from './fetch/folders.js';
import { extractFolder } from './fetch/archive.js';
import { progressReporter, type ProgressSink } from './fetch/progress.js';
import { checkDescribed, loadDescribed } from './custom/describe.js';
import { loadCustomDataset } from './custom/load.js';
import { isDatasetPath } from './custom/path.js';

export const GENERATED = 'generated in memory';

/** A shipped dataset by name, or the user's own data by path (src/data/custom/), described or not. */
export async function loadDataset(name: DatasetName | string, opts: LoadOptions = {}): Promise<LoadedDataset> {
  if (opts.descriptor) return loadDescribed(opts.descriptor, { dataDir: opts.dataDir, onProgress: opts.onProgress });
  if (isDatasetPath(name)) return (await loadCustomDataset(name, opts.custom ?? {}, { dataDir: opts.dataDir, onProgress: opts.onProgress })).dataset;
  const spec = datasetSpec(name);
  const labelMode = resolveLabelMode(spec, opts.labelMode);
  const reporter = progressReporter(name, opts.onProgress);
  try {
    const dir = spec.generated ? GENERATED : (locateDataset(spec, opts.dataDir) ?? (await fetchMissing(spec, opts, reporter.sink)));
    const { train, test } = await spec.read(dir, labelMode, opts, reporter.sink);
    return { info: datasetInfo(spec.name, { labelMode }), train, test, source: dir };
  } finally {
    reporter.stop();
  }
}

/** The first folder holding all of the dataset's files, or undefined. */
export function locateDataset(spec: DatasetSpec, dataDir?: string): string | undefined {
  return spec
    .candidateDirs(dataRoots(dataDir))
    .find((dir) => spec.requiredFiles.every((file) => fs.existsSync(path.join(dir, file))));
}

/** Download (and extract) a dataset into `<download root>/<name>`, unless it is already there; returns its folder. */
export async function fetchDataset(name: DatasetName | string, opts: LoadOptions = {}): Promise<string> {
  // The user's own data is checked where it is (and decoded into the cache when it is not there).
  if (opts.descriptor) return (await checkDescribed(opts.descriptor, { dataDir: opts.dataDir, what: 'the experiment' })).descriptor.path;
  const spec = datasetSpec(name);
  if (spec.generated) return GENERATED;
  const reporter = progressReporter(name, opts.onProgress);
  try {
    return locateDataset(spec, opts.dataDir) ?? (await fetchMissing(spec, { ...opts, download: true }, reporter.sink));
  } finally {
    reporter.stop();
  }
}

export interface DatasetStatus {
  name: DatasetName;
  description: string;
  /** The folder holding the files, or undefined. */
  location?: string;
  downloadable: boolean;
  /** Counted from the files when found, else the published sizes. */
  counts: SetCounts;
  /** What to do when the files are absent and cannot be downloaded. */
  help?: string;
}

export async function datasetStatus(name: DatasetName, dataDir?: string): Promise<DatasetStatus> {
  const spec = datasetSpec(name);
  const location = spec.generated ? GENERATED : locateDataset(spec, dataDir);
  const status: DatasetStatus = {
    name,
    description: spec.description,
    downloadable: !!spec.download,
    counts: location && !spec.generated ? await spec.count(location) : { ...spec.publishedCounts },
  };
  if (location) status.location = location;
  else if (spec.placementHelp) status.help = spec.placementHelp(dataRoots(dataDir));
  return status;
}

async function fetchMissing(spec: DatasetSpec, opts: LoadOptions, progress: ProgressSink): Promise<string> {
  const roots = dataRoots(opts.dataDir);
  const extracted = await extractUserArchive(spec, opts.dataDir);
  if (extracted) return extracted;
  if (!spec.download) throw new DataError(spec.placementHelp?.(roots) ?? `dataset ${spec.name} not found`);
  if (opts.download === false) {
    throw new DataError(
      `dataset ${spec.name} not found (looked in ${spec.candidateDirs(roots).join(', ')}); ` +
        `run 'nas datasets fetch ${spec.name}' to download it`,
    );
  }
  const dir = path.join(downloadRoot(opts.dataDir), spec.name);
  const created = createFolder(dir);
  try {
    return await downloadInto(spec, dir, opts, progress);
  } catch (error) {
    removeEmptyFolders(dir, created);
    throw error;
  }
}

async function downloadInto(spec: DatasetSpec, dir: string, opts: LoadOptions, progress: ProgressSink): Promise<string> {
  const download = spec.download!;
  const base = downloadBase(spec.name, download.officialBase, opts.mirror);
  for (const file of download.files) {
    const target = path.join(dir, file.name);
    const md5 = expectedMd5(file.name, file.md5, opts.checksums);
    if (file.extractFolder && fs.existsSync(path.join(dir, file.extractFolder))) continue;
    if (fs.existsSync(target)) await checkExisting(target, md5);
    else await downloadFile(new URL(file.name, base).href, target, md5, progress);
    if (file.extractFolder) {
      progress({ phase: 'extract', done: 0, total: 1 });
      await extractFolder(target, dir, file.extractFolder);
      fs.rmSync(target, { force: true });
      progress({ phase: 'extract', done: 1, total: 1 });
    }
  }
  const found = locateDataset(spec, opts.dataDir);
  if (!found) throw new DataError(`dataset ${spec.name}: ${dir} lacks some of ${spec.requiredFiles.join(', ')}; delete ${dir} to download it again`);
  return found;
}

/** The dataset's folder after extracting an archive the user placed in a data root, if there is one. */
async function extractUserArchive(spec: DatasetSpec, dataDir?: string): Promise<string | undefined> {
  if (!spec.userArchive) return undefined;
  const { name, folder } = spec.userArchive;
  const root = dataRoots(dataDir).find((candidate) => fs.existsSync(path.join(candidate, name)));
  if (!root) return undefined;
  await extractFolder(path.join(root, name), root, folder);
  return locateDataset(spec, dataDir);
}

/** A file left by an earlier, interrupted fetch (or put there by hand) is used only if its checksum matches. */
async function checkExisting(file: string, md5: string): Promise<void> {
  const actual = await fileMd5(file);
  if (actual !== md5.toLowerCase()) {
    throw new DataError(`${file}: checksum mismatch: expected MD5 ${md5.toLowerCase()}, got ${actual}; delete it to download again`);
  }
}
