/**
 * CIFAR binary records: `labelBytes` label bytes, then 3,072 pixel bytes as three 32x32 row-major planes
 * (red, green, blue). Read as a stream and converted record by record to HWC.
 */
import fs from 'node:fs';
import { DataError } from '../../errors.js';
import type { ProgressSink } from '../fetch/progress.js';

export const CIFAR_SIDE = 32;
const PLANE = CIFAR_SIDE * CIFAR_SIDE;
const PIXELS = 3 * PLANE;

export interface CifarRecords {
  /** count * 32 * 32 * 3 bytes, HWC. */
  images: Uint8Array;
  /** One array per label byte of the record (CIFAR-10: [label]; CIFAR-100: [coarse, fine]). */
  labels: Uint8Array[];
  count: number;
}

export interface CifarLayout {
  labelBytes: number;
  /** Exclusive upper bound of each label byte, checked for every record. */
  labelLimits: number[];
}

export async function readCifarFiles(files: string[], layout: CifarLayout, progress?: ProgressSink): Promise<CifarRecords> {
  const recordSize = layout.labelBytes + PIXELS;
  const sizes = files.map((file) => recordCount(file, recordSize));
  const count = sizes.reduce((a, b) => a + b, 0);
  const out: CifarRecords = {
    images: new Uint8Array(count * PIXELS),
    labels: layout.labelLimits.map(() => new Uint8Array(count)),
    count,
  };
  let first = 0;
  for (let i = 0; i < files.length; i++) {
    await readInto(files[i], layout, out, first, sizes[i], progress);
    first += sizes[i];
  }
  return out;
}

function recordCount(file: string, recordSize: number): number {
  let size: number;
  try {
    size = fs.statSync(file).size;
  } catch {
    throw new DataError(`${file}: file not found`);
  }
  if (size === 0 || size % recordSize !== 0) {
    throw new DataError(
      `${file}: truncated or not a CIFAR binary file: ${size} bytes is not a whole number of ${recordSize}-byte records`,
    );
  }
  return size / recordSize;
}

async function readInto(
  file: string,
  layout: CifarLayout,
  out: CifarRecords,
  first: number,
  count: number,
  progress?: ProgressSink,
): Promise<void> {
  const recordSize = layout.labelBytes + PIXELS;
  const pending = new Uint8Array(recordSize);
  let filled = 0;
  let record = 0;
  const total = count * recordSize;
  for await (const chunk of fs.createReadStream(file, { highWaterMark: recordSize * 256 }) as AsyncIterable<Buffer>) {
    let offset = 0;
    if (filled > 0) {
      const take = Math.min(recordSize - filled, chunk.length);
      pending.set(chunk.subarray(0, take), filled);
      filled += take;
      offset = take;
      if (filled < recordSize) continue;
      decodeRecord(pending, 0, layout, out, first + record++, file);
      filled = 0;
    }
    while (offset + recordSize <= chunk.length) {
      decodeRecord(chunk, offset, layout, out, first + record++, file);
      offset += recordSize;
    }
    pending.set(chunk.subarray(offset), 0);
    filled = chunk.length - offset;
    progress?.({ phase: 'read', done: record * recordSize, total });
  }
  if (record !== count) throw new DataError(`${file}: truncated: read ${record} of ${count} records`);
}

function decodeRecord(
  bytes: Uint8Array,
  offset: number,
  layout: CifarLayout,
  out: CifarRecords,
  index: number,
  file: string,
): void {
  for (let k = 0; k < layout.labelBytes; k++) {
    const label = bytes[offset + k];
    if (label >= layout.labelLimits[k]) {
      throw new DataError(
        `${file}: record ${index}: label ${label} out of range (expected 0..${layout.labelLimits[k] - 1})`,
      );
    }
    out.labels[k][index] = label;
  }
  const planes = offset + layout.labelBytes;
  const base = index * PIXELS;
  for (let p = 0; p < PLANE; p++) {
    const o = base + p * 3;
    out.images[o] = bytes[planes + p];
    out.images[o + 1] = bytes[planes + PLANE + p];
    out.images[o + 2] = bytes[planes + 2 * PLANE + p];
  }
}
