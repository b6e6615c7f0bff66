/**
 * The walk of an image folder: `root/<class>/**` or `root/train/<class>/**` + `root/test/<class>/**`, class names
 * from the sorted subfolder names (as Keras and torchvision do). Symbolic links are followed; one that leads back
 * into a folder being walked is a loop, refused. Nothing is decoded here: this also gives the folder's fingerprint.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { DataError } from '../../errors.js';
import { MAX_CLASSES } from './options.js';
import { IMAGE_EXTENSIONS } from './path.js';

export interface ImageFile {
  /** Relative to the dataset folder, with '/' separators: `cat/001.png`, `train/cat/001.png`. */
  rel: string;
  abs: string;
  label: number;
  split: 'train' | 'test';
  size: number;
  mtimeMs: number;
}

export interface FolderScan {
  classNames: string[];
  /** 'train-test' when the folder holds a train/ and test/ pair. */
  layout: 'classes' | 'train-test';
  /** Training images, class by class in sorted order, then the test images in the same order. */
  files: ImageFile[];
  /** Files that are not images (by extension), hidden files and broken links: ignored, counted for the summary. */
  ignored: number;
}

const byCodeUnit = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

export function scanImageFolder(root: string): FolderScan {
  const top = entriesOf(root);
  const dirs = top.dirs;
  const trainTest = dirs.length === 2 && dirs.includes('train') && dirs.includes('test');
  if (!trainTest) {
    const classNames = checkClasses(root, dirs);
    const found = collect(root, '', classNames, 'train');
    return { classNames, layout: 'classes', files: found.files, ignored: loose(top) + found.ignored };
  }
  const trainDirs = entriesOf(path.join(root, 'train'));
  const testDirs = entriesOf(path.join(root, 'test'));
  const classNames = checkClasses(path.join(root, 'train'), trainDirs.dirs);
  const unknown = testDirs.dirs.filter((name) => !classNames.includes(name));
  if (unknown.length > 0) {
    throw new DataError(`${path.join(root, 'test')}: class folder${unknown.length > 1 ? 's' : ''} ${quoted(unknown)} not in ${path.join(root, 'train')}`);
  }
  const train = collect(root, 'train', classNames, 'train');
  const testClasses = [...testDirs.dirs].sort(byCodeUnit);
  const test = collect(root, 'test', testClasses, 'test', classNames);
  if (test.files.length === 0) throw new DataError(`${path.join(root, 'test')}: no class folders with images`);
  return {
    classNames,
    layout: 'train-test',
    files: [...train.files, ...test.files],
    ignored: loose(top) + loose(trainDirs) + loose(testDirs) + train.ignored + test.ignored,
  };
}

/** SHA-256 of what the folder holds: every image's relative path, size and modification time. */
export function folderFingerprint(scan: FolderScan): string {
  const lines = scan.files.map((file) => `${file.rel}\0${file.size}\0${file.mtimeMs}\n`);
  return createHash('sha256').update(`${scan.layout}\n${JSON.stringify(scan.classNames)}\n${lines.join('')}`).digest('hex');
}

/** Files beside the class folders (a README, a labels file) are not images of any class: ignored and counted. */
function loose(listing: Listing): number {
  return listing.ignored + listing.files.length;
}

function checkClasses(dir: string, names: string[]): string[] {
  const classNames = [...names].sort(byCodeUnit);
  if (classNames.length < 2) {
    const found = classNames.length === 0 ? 'no class folders' : `one class folder (${quoted(classNames)})`;
    throw new DataError(`${dir}: ${found}; a dataset folder needs one subfolder of images per class, two classes at least`);
  }
  if (classNames.length > MAX_CLASSES) throw new DataError(`${dir}: ${classNames.length} class folders; at most ${MAX_CLASSES} classes are supported`);
  return classNames;
}

/** The images under `<root>/<sub>/<class>` for each class, labelled by the class's index in `labels` (default: `classes`). */
function collect(root: string, sub: string, classes: string[], split: ImageFile['split'], labels = classes): { files: ImageFile[]; ignored: number } {
  const files: ImageFile[] = [];
  let ignored = 0;
  for (const name of classes) {
    const rel = sub ? `${sub}/${name}` : name;
    const found: ImageFile[] = [];
    ignored += walk(path.join(root, rel), rel, labels.indexOf(name), split, new Set(), found);
    if (found.length === 0) {
      throw new DataError(`${path.join(root, rel)}: class folder with no images (${IMAGE_EXTENSIONS.join(', ')}); remove it or add images`);
    }
    files.push(...found.sort((a, b) => byCodeUnit(a.rel, b.rel)));
  }
  return { files, ignored };
}

/** Adds the images under `dir` to `out`; returns how many other files it ignored. */
function walk(dir: string, rel: string, label: number, split: ImageFile['split'], ancestors: Set<string>, out: ImageFile[]): number {
  const real = realFolder(dir);
  if (ancestors.has(real)) throw new DataError(`${dir}: symlink loop (it leads back to ${real}, a folder it is inside)`);
  ancestors.add(real);
  const { dirs, files, ignored } = entriesOf(dir);
  for (const file of files) out.push({ rel: `${rel}/${file.name}`, abs: file.abs, label, split, size: file.size, mtimeMs: file.mtimeMs });
  let skipped = ignored;
  for (const sub of dirs) skipped += walk(path.join(dir, sub), `${rel}/${sub}`, label, split, ancestors, out);
  ancestors.delete(real);
  return skipped;
}

interface Listing {
  dirs: string[];
  /** Image files (by extension), with what the folder's fingerprint needs of their stat. */
  files: { name: string; abs: string; size: number; mtimeMs: number }[];
  /** Other files, hidden ones and broken links. */
  ignored: number;
}

/**
 * A folder's subfolders and image files, links followed; only images and links are stat'ed (a large folder is
 * tens of thousands of stats, the cost of every cached load).
 */
function entriesOf(dir: string): Listing {
  const listing: Listing = { dirs: [], files: [], ignored: 0 };
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch (error) {
    throw new DataError(`${dir}: cannot read the folder (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  for (const entry of entries.sort((a, b) => byCodeUnit(a.name, b.name))) {
    const name = entry.name;
    const hidden = name.startsWith('.');
    const image = !hidden && IMAGE_EXTENSIONS.includes(path.extname(name).toLowerCase());
    const link = entry.isSymbolicLink();
    if (!link && !entry.isDirectory() && !(image && entry.isFile())) {
      listing.ignored++;
      continue;
    }
    const abs = dir.endsWith(path.sep) ? dir + name : dir + path.sep + name;
    const stat = link || image ? statOf(abs) : undefined;
    if (stat ? stat.isDirectory() : !link && entry.isDirectory()) {
      if (!hidden) listing.dirs.push(name);
    } else if (stat?.isFile() && image) listing.files.push({ name, abs, size: stat.size, mtimeMs: stat.mtimeMs });
    else listing.ignored++;
  }
  return listing;
}

/** The entry's stat, links followed; undefined for a broken link; a link that loops is refused. */
function statOf(file: string): fs.Stats | undefined {
  try {
    return fs.statSync(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ELOOP') throw new DataError(`${file}: symlink loop`);
    if (code === 'ENOENT') return undefined;
    throw new DataError(`${file}: cannot read it (${code ?? (error as Error).message})`);
  }
}

function realFolder(dir: string): string {
  try {
    return fs.realpathSync(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ELOOP') throw new DataError(`${dir}: symlink loop`);
    throw new DataError(`${dir}: cannot read the folder`);
  }
}

function quoted(names: string[]): string {
  return names.map((name) => `'${name}'`).join(', ');
}
