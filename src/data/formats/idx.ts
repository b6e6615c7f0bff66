/**
 * gzip-compressed IDX files (MNIST, Fashion-MNIST): big-endian uint32 magic (2051 images, 2049 labels),
 * then one uint32 per dimension, then the unsigned bytes.
 */
import fs from 'node:fs/promises';
import zlib from 'node:zlib';
import { promisify } from 'node:util';
import { DataError } from '../../errors.js';

const gunzip = promisify(zlib.gunzip);
const IMAGES_MAGIC = 2051;
const LABELS_MAGIC = 2049;

export interface IdxImages {
  /** count * rows * cols bytes, row-major (HWC with one channel). */
  images: Uint8Array;
  count: number;
  rows: number;
  cols: number;
}

export async function readIdxImages(file: string): Promise<IdxImages> {
  const bytes = await readGzip(file);
  const [count, rows, cols] = readHeader(file, bytes, IMAGES_MAGIC, 3);
  const images = body(file, bytes, 16, count * rows * cols);
  return { images, count, rows, cols };
}

export async function readIdxLabels(file: string, numClasses: number): Promise<Uint8Array> {
  const bytes = await readGzip(file);
  const [count] = readHeader(file, bytes, LABELS_MAGIC, 1);
  const labels = body(file, bytes, 8, count);
  const bad = labels.findIndex((label) => label >= numClasses);
  if (bad >= 0) {
    throw new DataError(`${file}: label ${labels[bad]} of item ${bad} out of range (expected 0..${numClasses - 1})`);
  }
  return labels;
}

/** The item count in an IDX file's header, decompressing only its first bytes. */
export async function readIdxCount(file: string): Promise<number> {
  const handle = await fs.open(file);
  try {
    const { buffer, bytesRead } = await handle.read(Buffer.alloc(4096), 0, 4096, 0);
    const head = zlib.gunzipSync(buffer.subarray(0, bytesRead), { finishFlush: zlib.constants.Z_SYNC_FLUSH });
    if (head.length < 8) throw new DataError(`${file}: truncated IDX header`);
    return head.readUInt32BE(4);
  } catch (error) {
    throw asDataError(file, error);
  } finally {
    await handle.close();
  }
}

async function readGzip(file: string): Promise<Buffer> {
  let compressed: Buffer;
  try {
    compressed = await fs.readFile(file);
  } catch {
    throw new DataError(`${file}: file not found or unreadable`);
  }
  try {
    return await gunzip(compressed);
  } catch (error) {
    throw asDataError(file, error);
  }
}

function asDataError(file: string, error: unknown): DataError {
  if (error instanceof DataError) return error;
  return new DataError(`${file}: not a valid gzip file or truncated (${(error as Error).message})`);
}

function readHeader(file: string, bytes: Buffer, magic: number, dims: number): number[] {
  const headerSize = 4 + 4 * dims;
  if (bytes.length < headerSize) throw new DataError(`${file}: truncated IDX header (${bytes.length} bytes)`);
  const found = bytes.readUInt32BE(0);
  if (found !== magic) {
    throw new DataError(`${file}: wrong magic number ${found} (expected ${magic}): not an IDX ${magic === IMAGES_MAGIC ? 'images' : 'labels'} file`);
  }
  return Array.from({ length: dims }, (_, i) => bytes.readUInt32BE(4 + 4 * i));
}

function body(file: string, bytes: Buffer, offset: number, length: number): Uint8Array {
  if (bytes.length - offset < length) {
    throw new DataError(`${file}: truncated: header promises ${length} data bytes, file has ${bytes.length - offset}`);
  }
  return new Uint8Array(bytes.buffer, bytes.byteOffset + offset, length);
}
