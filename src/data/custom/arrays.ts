/**
 * In-memory arrays given to the library API (`search({ dataset: { x, y, shape } })`) become a NumPy .npz file in
 * the data folder, named by a hash of their content: the trainer's worker processes, a resume and a later replay
 * then read them as any `--dataset file.npz`, with the same descriptor, fingerprint and cache. The same arrays
 * give the same file (written once), and a user can open it with numpy.
 *
 * Zip writer: yazl, the writing twin of yauzl (which reads .npz here), entries stored uncompressed with a fixed
 * date so that the bytes depend on the arrays alone. The .npy header is the documented version 1.0 layout.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import yazl from 'yazl';
import { ConfigError } from '../../errors.js';
import { downloadRoot } from '../fetch/locations.js';
import { MAX_CLASSES } from './options.js';

/** Images and labels held in memory. */
export interface ArrayData {
  /** The images, one after another, each height x width x channels values in that order (HWC): uint8 0-255, or float32 in [0, 1] or [0, 255]. */
  x: Uint8Array | Uint8ClampedArray | Float32Array;
  /** One integer label per image, 0 to K-1. */
  y: ArrayLike<number>;
  /** One image's shape: [height, width, channels] (channels 1 or 3), or [height, width] for grayscale. */
  shape: readonly [number, number, number] | readonly [number, number];
  /** The K class names, in label order (default: '0' to 'K-1'). */
  classNames?: readonly string[];
  /** A test set of the same shape; without it a stratified, seeded share of the images is held out (testFraction). */
  test?: { x: ArrayData['x']; y: ArrayLike<number> };
}

/** True for an ArrayData rather than a dataset name or path. */
export function isArrayData(value: unknown): value is ArrayData {
  return typeof value === 'object' && value !== null && 'x' in value && 'y' in value && 'shape' in value;
}

/** Writes `data` as an .npz under the data folder (once per content) and returns its path. */
export async function storeArrayData(data: ArrayData, dataDir?: string): Promise<string> {
  const arrays = npyArrays(data);
  const hash = createHash('sha256');
  for (const [name, bytes] of arrays) hash.update(`${name}\0${bytes.length}\0`).update(bytes);
  const folder = path.join(downloadRoot(dataDir), 'arrays');
  const file = path.join(folder, `arrays-${hash.digest('hex').slice(0, 16)}.npz`);
  if (fs.existsSync(file)) return file;
  fs.mkdirSync(folder, { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  await writeZip(temporary, arrays);
  fs.renameSync(temporary, file);
  return file;
}

function npyArrays(data: ArrayData): [string, Buffer][] {
  const shape = imageShape(data.shape);
  const classes = checkedClassNames(data);
  const arrays: [string, Buffer][] = [...split('train', data.x, data.y, shape)];
  if (data.test) arrays.push(...split('test', data.test.x, data.test.y, shape));
  for (const [name, labels] of arrays.filter(([name]) => name.startsWith('y_'))) checkLabels(name, labels, classes.length);
  arrays.push(['class_names.npy', stringArray(classes)]);
  return arrays;
}

function imageShape(shape: ArrayData['shape']): [number, number, number] {
  if (!Array.isArray(shape) || (shape.length !== 2 && shape.length !== 3)) throw new ConfigError('dataset.shape must be [height, width] or [height, width, channels]');
  const [height, width, channels = 1] = shape as number[];
  for (const [what, value] of [['height', height], ['width', width]] as const) {
    if (!Number.isInteger(value) || value! < 1 || value! > 4096) throw new ConfigError(`dataset.shape: ${what} must be an integer from 1 to 4096, not ${value}`);
  }
  if (channels !== 1 && channels !== 3) throw new ConfigError(`dataset.shape: channels must be 1 or 3, not ${channels}`);
  return [height!, width!, channels];
}

function split(part: 'train' | 'test', x: ArrayData['x'], y: ArrayLike<number>, shape: [number, number, number]): [string, Buffer][] {
  const where = part === 'train' ? 'dataset' : 'dataset.test';
  const dtype = x instanceof Float32Array ? '<f4' : x instanceof Uint8Array || x instanceof Uint8ClampedArray ? '|u1' : undefined;
  if (!dtype) throw new ConfigError(`${where}.x must be a Uint8Array, Uint8ClampedArray or Float32Array`);
  if (typeof y?.length !== 'number') throw new ConfigError(`${where}.y must be an array of labels`);
  const size = shape[0] * shape[1] * shape[2];
  if (x.length !== y.length * size) {
    throw new ConfigError(`${where}: x holds ${x.length} values, but ${y.length} labels of ${shape.join('x')} images need ${y.length * size}`);
  }
  const labels = Int32Array.from(y, (label) => label);
  return [
    [`x_${part}.npy`, npy(dtype, [y.length, ...shape], Buffer.from(x.buffer, x.byteOffset, x.byteLength))],
    [`y_${part}.npy`, npy('<i4', [y.length], Buffer.from(labels.buffer))],
  ];
}

function checkedClassNames(data: ArrayData): string[] {
  let largest = -1;
  for (const labels of [data.y, data.test?.y ?? []]) for (let i = 0; i < labels.length; i += 1) largest = Math.max(largest, Number(labels[i]));
  const names = data.classNames ? [...data.classNames] : Array.from({ length: largest + 1 }, (_, label) => String(label));
  if (names.length < 2 || names.length > MAX_CLASSES) throw new ConfigError(`dataset: ${names.length} classes; a dataset needs 2 to ${MAX_CLASSES}`);
  if (names.some((name) => typeof name !== 'string' || name.length === 0)) throw new ConfigError('dataset.classNames must be non-empty strings');
  return names;
}

function checkLabels(name: string, bytes: Buffer, classes: number): void {
  const labels = new Int32Array(bytes.buffer, bytes.byteOffset + headerLength(bytes), (bytes.length - headerLength(bytes)) / 4);
  const bad = labels.findIndex((label) => !(label >= 0 && label < classes));
  if (bad >= 0) throw new ConfigError(`dataset${name === 'y_test.npy' ? '.test' : ''}.y[${bad}] is ${labels[bad]}: labels must be integers from 0 to ${classes - 1}`);
}

function stringArray(names: string[]): Buffer {
  const width = Math.max(...names.map((name) => [...name].length));
  const body = Buffer.alloc(names.length * width * 4);
  names.forEach((name, row) => [...name].forEach((char, column) => body.writeUInt32LE(char.codePointAt(0)!, (row * width + column) * 4)));
  return npy(`<U${width}`, [names.length], body);
}

/** A .npy file, format 1.0: magic, version, header length, a padded dict literal, the C-order data. */
function npy(descr: string, shape: number[], data: Buffer): Buffer {
  const dims = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${dims}, }`;
  header = header.padEnd(Math.ceil((10 + header.length + 1) / 64) * 64 - 10 - 1, ' ') + '\n';
  const prefix = Buffer.alloc(10);
  prefix.write('\x93NUMPY', 0, 'latin1');
  prefix.writeUInt8(1, 6);
  prefix.writeUInt8(0, 7);
  prefix.writeUInt16LE(header.length, 8);
  return Buffer.concat([prefix, Buffer.from(header, 'latin1'), data]);
}

function headerLength(bytes: Buffer): number {
  return 10 + bytes.readUInt16LE(8);
}

function writeZip(file: string, arrays: [string, Buffer][]): Promise<void> {
  const zip = new yazl.ZipFile();
  for (const [name, bytes] of arrays) zip.addBuffer(bytes, name, { compress: false, mtime: new Date(2000, 0, 1) });
  zip.end();
  return new Promise((resolve, reject) => {
    const out = fs.createWriteStream(file);
    zip.outputStream.pipe(out).on('close', resolve).on('error', reject);
    zip.outputStream.on('error', reject);
  });
}
