/**
 * The dataset cache of decoded arrays: `<data root>/decoded/<key>.bin`, the key a hash of the source's fingerprint
 * (relative paths, sizes, modification times) and the options it was read with. A file is an 8-byte magic, a
 * uint32 header length, a JSON header, then the training images, training labels, test images and test labels.
 * Written to a temporary name and renamed, so a reader never sees half a file; a damaged one is read as missing.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Shape3 } from '../../space/types.js';
import { downloadRoot } from '../fetch/locations.js';
import type { ImageSet } from '../types.js';
import type { CustomKind, CustomOptions, DatasetDescriptor } from './types.js';

const MAGIC = 'NASDEC01';
const VERSION = 1;

export interface CacheHeader {
  version: number;
  kind: CustomKind;
  /** The path it was read from (informational: a moved folder with the same files finds its entry). */
  source: string;
  options: CustomOptions;
  fingerprint: string;
  classNames: string[];
  shape: Shape3;
  train: number;
  test: number;
  testSplit: DatasetDescriptor['testSplit'];
  images: number;
  ignored: number;
  skipped: number;
  skippedExamples: string[];
}

export function cacheFolder(dataDir?: string): string {
  return path.join(downloadRoot(dataDir), 'decoded');
}

/** The cache key of a source read with `options`: its fingerprint and the options (kind included). */
export function cacheKey(kind: CustomKind, sourceFingerprint: string, options: CustomOptions): string {
  return createHash('sha256').update(JSON.stringify([VERSION, kind, sourceFingerprint, normalised(options)])).digest('hex').slice(0, 40);
}

/** The header alone (a cheap check of what an entry holds), or undefined when there is no valid entry. */
export function readCacheHeader(file: string): CacheHeader | undefined {
  let fd: number | undefined;
  try {
    fd = fs.openSync(file, 'r');
    const head = Buffer.alloc(12);
    if (fs.readSync(fd, head, 0, 12, 0) !== 12 || head.toString('latin1', 0, 8) !== MAGIC) return undefined;
    const json = Buffer.alloc(head.readUInt32LE(8));
    if (fs.readSync(fd, json, 0, json.length, 12) !== json.length) return undefined;
    return parseHeader(json, fs.fstatSync(fd).size);
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

/** The entry's header and arrays, or undefined when there is no valid entry. */
export function readCache(file: string): { header: CacheHeader; train: ImageSet; test: ImageSet } | undefined {
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(file);
  } catch {
    return undefined;
  }
  if (bytes.length < 12 || bytes.toString('latin1', 0, 8) !== MAGIC) return undefined;
  const start = 12 + bytes.readUInt32LE(8);
  const header = parseHeader(bytes.subarray(12, start), bytes.length);
  if (!header) return undefined;
  const size = header.shape[0] * header.shape[1] * header.shape[2];
  let offset = start;
  const take = (length: number): Uint8Array => {
    const view = new Uint8Array(bytes.buffer, bytes.byteOffset + offset, length);
    offset += length;
    return view;
  };
  const set = (count: number): ImageSet => ({ images: take(count * size), labels: take(count), count, shape: [...header.shape] });
  return { header, train: set(header.train), test: set(header.test) };
}

/** Writes an entry and removes older ones of the same source and options; what went wrong, or undefined. */
export function writeCache(folder: string, key: string, header: CacheHeader, train: ImageSet, test: ImageSet): string | undefined {
  const file = path.join(folder, `${key}.bin`);
  const temporary = `${file}.${process.pid}.tmp`;
  try {
    fs.mkdirSync(folder, { recursive: true });
    const json = Buffer.from(JSON.stringify(header));
    const head = Buffer.alloc(12);
    head.write(MAGIC, 0, 'latin1');
    head.writeUInt32LE(json.length, 8);
    const fd = fs.openSync(temporary, 'w');
    try {
      for (const part of [head, json, train.images, train.labels, test.images, test.labels]) fs.writeSync(fd, part);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(temporary, file);
  } catch (error) {
    fs.rmSync(temporary, { force: true });
    return (error as NodeJS.ErrnoException).code ?? (error as Error).message;
  }
  pruneOlder(folder, file, header);
  return undefined;
}

function pruneOlder(folder: string, kept: string, header: CacheHeader): void {
  for (const name of fs.readdirSync(folder)) {
    const file = path.join(folder, name);
    if (file === kept || !name.endsWith('.bin')) continue;
    const other = readCacheHeader(file);
    if (other && other.source === header.source && JSON.stringify(normalised(other.options)) === JSON.stringify(normalised(header.options))) {
      fs.rmSync(file, { force: true });
    }
  }
}

function parseHeader(json: Buffer, fileSize: number): CacheHeader | undefined {
  try {
    const header = JSON.parse(json.toString('utf8')) as CacheHeader;
    if (header.version !== VERSION) return undefined;
    const size = header.shape[0] * header.shape[1] * header.shape[2];
    const expected = 12 + json.length + (header.train + header.test) * (size + 1);
    return expected === fileSize ? header : undefined;
  } catch {
    return undefined;
  }
}

/** Options with their keys in a fixed order, absent ones left out. */
function normalised(options: CustomOptions): CustomOptions {
  const out: CustomOptions = {};
  if (options.imageSize) out.imageSize = [...options.imageSize];
  if (options.channels !== undefined) out.channels = options.channels;
  if (options.testFraction !== undefined) out.testFraction = options.testFraction;
  if (options.csv !== undefined) out.csv = options.csv;
  return out;
}
