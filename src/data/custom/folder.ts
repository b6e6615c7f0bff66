/**
 * Reads an image folder (scanned by scan.ts) into arrays: the headers first when the image size or the channel
 * count is left to its default (the most common size, capped; grayscale when every image is), then every image
 * decoded and resized with sharp. Images that cannot be decoded are skipped and counted, up to 1 % of them.
 */
import { createHash } from 'node:crypto';
import path from 'node:path';
import { DataError } from '../../errors.js';
import type { Shape3 } from '../../space/types.js';
import type { ImageSet } from '../types.js';
import { decodeFiles, type DecodeAll } from './decode-pool.js';
import type { DecodeTarget, FileOutcome } from './decode.js';
import { holdOut, subset } from './holdout.js';
import { DEFAULT_TEST_FRACTION, MAX_IMAGE_PIXELS, defaultImageSize } from './options.js';
import type { FolderScan } from './scan.js';
import type { ArrayDataset, CustomOptions } from './types.js';

/** More undecodable images than this share of them, and the folder is refused rather than read without them. */
const MAX_SKIPPED_SHARE = 0.01;

export interface FolderRead {
  data: ArrayDataset & { test: ImageSet };
  testSplit: 'given' | 'held-out';
  fingerprint: string;
  skipped: number;
  skippedExamples: string[];
}

type Progress = (event: { phase: string; done: number; total: number }) => void;

export async function readImageFolder(root: string, scan: FolderScan, options: CustomOptions, onProgress?: Progress): Promise<FolderRead> {
  const files = scan.files.map((file) => file.abs);
  const { target, decoded } = await decodeAll(root, scan, options, onProgress);
  const failed = failures(root, scan, decoded.outcomes);
  const shape: Shape3 = [target.height, target.width, target.channels];
  const all: ImageSet = { images: decoded.pixels!, labels: Uint8Array.from(scan.files, (file) => file.label), count: files.length, shape };
  const keep = (split: 'train' | 'test'): number[] => scan.files.flatMap((file, i) => (file.split === split && !failed.has(i) ? [i] : []));
  const train = subset(all, keep('train'));
  checkEveryClass(root, scan, train);
  const fingerprint = contentFingerprint('folder', scan, decoded.digests);
  const skippedExamples = [...failed.values()].slice(0, 3);
  if (scan.layout === 'train-test') {
    return { data: { train, test: subset(all, keep('test')), classNames: scan.classNames }, testSplit: 'given', fingerprint, skipped: failed.size, skippedExamples };
  }
  const split = holdOut(train, scan.classNames.length, options.testFraction ?? DEFAULT_TEST_FRACTION);
  return { data: { ...split, classNames: scan.classNames }, testSplit: 'held-out', fingerprint, skipped: failed.size, skippedExamples };
}

/**
 * Every image at the target size. With --image-size and --channels given, one decoding pass. Otherwise the headers
 * first (probe), which decode the small images at their own size too; only those that differ from the defaults
 * chosen then are decoded again, so a folder of images of one size and type is decoded once.
 */
async function decodeAll(root: string, scan: FolderScan, options: CustomOptions, onProgress?: Progress): Promise<{ target: DecodeTarget; decoded: DecodeAll }> {
  const files = scan.files.map((file) => file.abs);
  const report = (phase: string) => (done: number, total: number) => onProgress?.({ phase, done, total });
  if (options.imageSize && options.channels) {
    const target: DecodeTarget = { height: options.imageSize[0], width: options.imageSize[1], channels: options.channels };
    return { target, decoded: await decodeFiles(files, { mode: 'decode', target, pixelLimit: MAX_IMAGE_PIXELS }, report('decode')) };
  }
  const probe = await decodeFiles(files, { mode: 'probe', pixelLimit: MAX_IMAGE_PIXELS }, report('decode'));
  refuseBombs(root, scan, probe.outcomes);
  const read = probe.outcomes.filter((outcome): outcome is Extract<FileOutcome, { ok: true }> => outcome.ok);
  if (read.length === 0) throw new DataError(`${root}: none of its ${scan.files.length} images can be decoded (first: ${scan.files[0]!.rel})`);
  const [height, width] = options.imageSize ?? defaultImageSize(read.map((outcome) => [outcome.height, outcome.width]));
  const target: DecodeTarget = { height, width, channels: options.channels ?? (read.every((outcome) => outcome.gray) ? 1 : 3) };
  const size = height * width * target.channels;
  const pixels = new Uint8Array(files.length * size);
  const again: number[] = [];
  probe.outcomes.forEach((outcome, i) => {
    if (!outcome.ok) return;
    const own = probe.natural![i];
    if (own && outcome.height === height && outcome.width === width && (outcome.gray ? 1 : 3) === target.channels) pixels.set(own, i * size);
    else again.push(i);
  });
  const redone = await decodeFiles(again.map((i) => files[i]!), { mode: 'decode', target, pixelLimit: MAX_IMAGE_PIXELS }, report('resize'));
  again.forEach((i, k) => {
    probe.outcomes[i] = redone.outcomes[k]!;
    pixels.set(redone.pixels!.subarray(k * size, (k + 1) * size), i * size);
  });
  return { target, decoded: { outcomes: probe.outcomes, pixels, digests: probe.digests } };
}

/** Skipped images by index, with why; a bomb, or too many failures, refuses the folder. */
function failures(root: string, scan: FolderScan, outcomes: FileOutcome[]): Map<number, string> {
  refuseBombs(root, scan, outcomes);
  const failed = new Map<number, string>();
  outcomes.forEach((outcome, i) => {
    if (!outcome.ok && 'error' in outcome) failed.set(i, `${scan.files[i]!.rel}: ${outcome.error}`);
  });
  if (failed.size > MAX_SKIPPED_SHARE * scan.files.length) {
    const share = ((100 * failed.size) / scan.files.length).toFixed(1);
    throw new DataError(
      `${root}: ${failed.size} of ${scan.files.length} images (${share} %) cannot be decoded, more than the 1 % that is skipped ` +
        `(first: ${[...failed.values()][0]}); remove or replace them`,
    );
  }
  return failed;
}

function refuseBombs(root: string, scan: FolderScan, outcomes: FileOutcome[]): void {
  const bomb = outcomes.findIndex((outcome) => !outcome.ok && 'bomb' in outcome);
  if (bomb < 0) return;
  const [height, width] = (outcomes[bomb] as { bomb: [number, number] }).bomb;
  throw new DataError(
    `${path.join(root, scan.files[bomb]!.rel)}: ${width}x${height} pixels, over the limit of ${MAX_IMAGE_PIXELS.toLocaleString('en-US')} ` +
      '(a decompression bomb?); remove it or scale it down',
  );
}

function checkEveryClass(root: string, scan: FolderScan, train: ImageSet): void {
  const counts = new Array<number>(scan.classNames.length).fill(0);
  for (const label of train.labels) counts[label]!++;
  const empty = counts.findIndex((count) => count === 0);
  if (empty >= 0) throw new DataError(`${root}: class '${scan.classNames[empty]}' has no training image that can be decoded`);
}

/** SHA-256 of the source as read: the kind, and each image's relative path and the SHA-256 of its bytes. */
export function contentFingerprint(kind: string, scan: FolderScan, digests: string[]): string {
  const hash = createHash('sha256').update(`${kind}\n${JSON.stringify(scan.classNames)}\n`);
  scan.files.forEach((file, i) => hash.update(`${file.rel}\0${digests[i] ?? ''}\n`));
  return hash.digest('hex');
}
