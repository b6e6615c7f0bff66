/**
 * NumPy .npz archives (`numpy.savez` / `savez_compressed`, the layout of the Keras datasets): a zip of .npy
 * arrays x_train, y_train and, as a pair, x_test, y_test (without them `test` is null and the loader holds out
 * a split), plus an optional 1-D string array class_names. Every other array in the archive is ignored unread.
 *
 * - x: [N,H,W] (grayscale) or [N,H,W,C] with C 1 or 3, channels last, C order; uint8, float32 or float64.
 * - Float pixels: an array whose values all lie in [0, 1] is scaled by 255, one that reaches past 1 must lie in
 *   [0, 255] and is taken as is; both are rounded to the nearest integer. The scale is decided per array, and
 *   x_train and x_test must agree (an all-dark [0, 255] array whose maximum is <= 1 reads as [0, 1]: save uint8).
 *   Negative or NaN values (standardised data) are refused: they cannot be turned back into pixels.
 * - y: integer labels (any signed or unsigned width), shape [N] or [N, 1] (Keras's CIFAR layout).
 * - Classes: class_names ('<U' or '|S' strings) when present, else '0'..'K-1' with K = the largest label + 1.
 * - Refused with a one-line DataError: missing arrays, mismatched lengths or image shapes, another dtype
 *   (int16 pixels, float labels, Python objects, big-endian), a Fortran-order array, labels out of range, a
 *   corrupt or truncated entry (sizes and CRC-32 checked).
 *
 * Zip reader: yauzl. It reads the central directory (the authority, where numpy's zip64 entries are described)
 * and streams one entry at a time from the file descriptor, so only the arrays used are held in memory, once,
 * never the archive as well. It has one small dependency and is the zip reader behind extract-zip (Electron,
 * Puppeteer); fflate and adm-zip want the whole archive in a Buffer first. yauzl checks entry sizes but not
 * CRC-32, so this reader checks it with node:zlib (where zlib.crc32 exists, Node >= 20.15).
 * The .npy header is a documented, tiny format (a magic string and a Python dict literal) and is parsed here.
 */
import { constants as bufferConstants } from 'node:buffer';
import zlib from 'node:zlib';
import yauzl from 'yauzl';
import { DataError } from '../../errors.js';
import type { Shape3 } from '../../space/types.js';
import type { ArrayDataset } from '../custom/types.js';
import type { ImageSet } from '../types.js';

/** One .npy array: its little-endian dtype (kind u/i/f/b/U/S and bytes per element), shape and raw bytes. */
interface NpyArray {
  name: string;
  kind: string;
  itemSize: number;
  shape: number[];
  /** Its own ArrayBuffer at offset 0, so typed views over it are aligned. */
  data: Uint8Array;
}

interface NpyHeader {
  kind: string;
  itemSize: number;
  shape: number[];
  /** Data bytes the shape and dtype call for, and the header's own length. */
  bytes: number;
  headerBytes: number;
}

const WANTED = new Set(['x_train', 'y_train', 'x_test', 'y_test', 'class_names']);
const MAGIC = '\x93NUMPY';
const MAX_HEADER = 1 << 20;
const crc32: ((data: Uint8Array, value?: number) => number) | undefined = (zlib as { crc32?: typeof zlib.crc32 }).crc32;

export async function readNpz(file: string): Promise<ArrayDataset> {
  const { arrays, names } = await readArrays(file);
  const missing = ['x_train', 'y_train'].filter((key) => !arrays.has(key));
  if (arrays.has('x_test') || arrays.has('y_test')) missing.push(...['x_test', 'y_test'].filter((key) => !arrays.has(key)));
  const save = 'save with np.savez(path, x_train=..., y_train=..., x_test=..., y_test=...)';
  if (missing.length > 0) throw new DataError(`${file}: lacks ${missing.join(', ')} (it holds ${names.join(', ') || 'no .npy arrays'}; ${save})`);
  const classNames = arrays.has('class_names') ? readClassNames(file, arrays.get('class_names')!) : undefined;
  const train = readSplit(file, arrays.get('x_train')!, arrays.get('y_train')!);
  const test = arrays.has('x_test') ? readSplit(file, arrays.get('x_test')!, arrays.get('y_test')!) : null;
  if (test && test.shape.join('x') !== train.shape.join('x')) {
    throw new DataError(`${file}: x_test images are ${test.shape.join('x')} but x_train images ${train.shape.join('x')}`);
  }
  if (test && test.scale !== train.scale) {
    throw new DataError(`${file}: x_train pixels are ${train.scale} but x_test pixels ${test.scale}; store both on one scale`);
  }
  const splits = test ? [train, test] : [train];
  const classes = classNames ?? defaultClassNames(file, splits);
  for (const split of splits) checkLabels(file, split, classes.length, classNames !== undefined);
  return { train: imageSet(train), test: test ? imageSet(test) : null, classNames: classes };
}

interface Split {
  name: string;
  images: Uint8Array;
  rawLabels: number[];
  shape: Shape3;
  scale: string;
}

function readSplit(file: string, x: NpyArray, y: NpyArray): Split {
  const where = `${file}: ${x.name}`;
  const [count, height, width, channels = 1, ...rest] = x.shape;
  if ((x.shape.length !== 3 && x.shape.length !== 4) || rest.length > 0 || (channels !== 1 && channels !== 3)) {
    throw new DataError(
      `${where}: shape (${x.shape.join(', ')}) is not [N,H,W] or [N,H,W,C] with C 1 or 3 ` +
        `(channels last: np.transpose(x, (0, 2, 3, 1)) for channels first; x[..., :3] for RGBA)`,
    );
  }
  if (count === 0 || height === 0 || width === 0) throw new DataError(`${where}: holds no images (shape ${x.shape.join('x')})`);
  const { images, scale } = toPixels(where, x);
  const labels = readLabels(`${file}: ${y.name}`, y);
  if (labels.length !== count) {
    throw new DataError(`${file}: ${x.name} has ${count} images but ${y.name} has ${labels.length} labels`);
  }
  return { name: y.name, images, rawLabels: labels, shape: [height, width, channels], scale };
}

/** uint8 as is; float32/float64 by the rule in the header comment. */
function toPixels(where: string, x: NpyArray): { images: Uint8Array; scale: string } {
  if (x.kind === 'u' && x.itemSize === 1) return { images: x.data, scale: 'uint8' };
  if (x.kind !== 'f' || (x.itemSize !== 4 && x.itemSize !== 8)) {
    throw new DataError(`${where}: dtype ${dtypeName(x)} is not a pixel dtype (expected uint8, float32 or float64; save x.astype('uint8'))`);
  }
  const n = x.data.length / x.itemSize;
  const values = x.itemSize === 4 ? new Float32Array(x.data.buffer, 0, n) : new Float64Array(x.data.buffer, 0, n);
  let min = Infinity;
  let max = -Infinity;
  let nan = false;
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (v < min) min = v;
    if (v > max) max = v;
    if (v !== v) nan = true;
  }
  if (nan) throw new DataError(`${where}: float pixels include NaN`);
  if (min < 0 || max > 255) {
    throw new DataError(`${where}: float pixels span [${min}, ${max}]; expected [0, 1] or [0, 255] (standardised data cannot be read back as pixels)`);
  }
  const factor = max <= 1 ? 255 : 1;
  const images = new Uint8Array(n);
  for (let i = 0; i < n; i++) images[i] = (values[i] * factor + 0.5) | 0; // Math.round for values >= 0, faster
  return { images, scale: factor === 255 ? 'float in [0, 1]' : 'float in [0, 255]' };
}

function readLabels(where: string, y: NpyArray): number[] {
  if (y.kind !== 'u' && y.kind !== 'i') {
    throw new DataError(`${where}: dtype ${dtypeName(y)} is not an integer label dtype (expected uint8, int32 or int64; one-hot? save np.argmax(y, axis=1))`);
  }
  if (!(y.shape.length === 1 || (y.shape.length === 2 && y.shape[1] === 1))) {
    throw new DataError(`${where}: shape (${y.shape.join(', ')}) is not [N] or [N, 1] (one label per image)`);
  }
  const view = new DataView(y.data.buffer, 0, y.data.length);
  const out = new Array<number>(y.shape[0]);
  const signed = y.kind === 'i';
  for (let i = 0; i < out.length; i++) {
    const at = i * y.itemSize;
    if (y.itemSize === 1) out[i] = signed ? view.getInt8(at) : view.getUint8(at);
    else if (y.itemSize === 2) out[i] = signed ? view.getInt16(at, true) : view.getUint16(at, true);
    else if (y.itemSize === 4) out[i] = signed ? view.getInt32(at, true) : view.getUint32(at, true);
    else out[i] = Number(signed ? view.getBigInt64(at, true) : view.getBigUint64(at, true));
  }
  return out;
}

function defaultClassNames(file: string, splits: Split[]): string[] {
  let max = -1;
  for (const split of splits) for (const label of split.rawLabels) if (label > max) max = label;
  if (max > 255) throw new DataError(`${file}: labels reach ${max}; at most 256 classes (0..255) are supported`);
  if (max < 1) throw new DataError(`${file}: every label is ${max}; a search needs at least two classes`);
  return Array.from({ length: max + 1 }, (_, k) => String(k));
}

function checkLabels(file: string, split: Split, classes: number, named: boolean): void {
  const bad = split.rawLabels.findIndex((label) => label < 0 || label >= classes);
  if (bad >= 0) {
    const range = split.rawLabels[bad] < 0 ? 'labels are 0..K-1' : named ? `class_names has ${classes} names` : `expected 0..${classes - 1}`;
    throw new DataError(`${file}: ${split.name}[${bad}] = ${split.rawLabels[bad]} is out of range (${range})`);
  }
}

function imageSet(split: Split): ImageSet {
  return { images: split.images, labels: Uint8Array.from(split.rawLabels), count: split.rawLabels.length, shape: split.shape };
}

/** A 1-D array of '<U' (UTF-32) or '|S' (bytes) strings; object arrays are pickles and are refused. */
function readClassNames(file: string, array: NpyArray): string[] {
  const where = `${file}: class_names`;
  if ((array.kind !== 'U' && array.kind !== 'S') || array.shape.length !== 1) {
    throw new DataError(`${where}: expected a 1-D array of strings, got ${dtypeName(array)} of shape (${array.shape.join(', ')}) (save np.array(names, dtype=str))`);
  }
  const names: string[] = [];
  for (let i = 0; i < array.shape[0]; i++) {
    const bytes = array.data.subarray(i * array.itemSize, (i + 1) * array.itemSize);
    names.push(array.kind === 'S' ? Buffer.from(bytes).toString('utf8').replace(/\0+$/, '') : utf32(bytes));
  }
  if (names.length > 256) throw new DataError(`${where}: ${names.length} names; at most 256 classes are supported`);
  if (names.length < 2) throw new DataError(`${where}: ${names.length} name(s); a search needs at least two classes`);
  const duplicate = names.find((name, i) => names.indexOf(name) !== i);
  if (duplicate !== undefined) throw new DataError(`${where}: the name '${duplicate}' appears twice`);
  return names;
}

function utf32(bytes: Uint8Array): string {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  let text = '';
  for (let at = 0; at < bytes.length; at += 4) {
    const code = view.getUint32(at, true);
    if (code === 0) break;
    text += String.fromCodePoint(code);
  }
  return text;
}

function dtypeName(array: { kind: string; itemSize: number }): string {
  const kinds: Record<string, string> = { u: 'uint', i: 'int', f: 'float', b: 'bool', c: 'complex' };
  if (array.kind === 'U' || array.kind === 'S') return `${array.kind === 'U' ? 'str' : 'bytes'}${array.kind === 'U' ? array.itemSize / 4 : array.itemSize}`;
  return kinds[array.kind] ? `${kinds[array.kind]}${array.itemSize * 8}` : `'${array.kind}${array.itemSize}'`;
}

/** The wanted arrays of the archive, read one entry at a time, and the names of all its .npy entries. */
async function readArrays(file: string): Promise<{ arrays: Map<string, NpyArray>; names: string[] }> {
  let zip: yauzl.ZipFile;
  try {
    zip = await yauzl.openPromise(file, { lazyEntries: true });
  } catch (error) {
    throw new DataError(`${file}: not a readable .npz (zip) file (${(error as Error).message})`);
  }
  const arrays = new Map<string, NpyArray>();
  const names: string[] = [];
  try {
    for await (const entry of zip.eachEntry()) {
      if (!entry.fileName.endsWith('.npy')) continue;
      const name = entry.fileName.slice(0, -'.npy'.length);
      names.push(name);
      if (WANTED.has(name) && !arrays.has(name)) arrays.set(name, await readEntry(file, zip, entry, name));
    }
  } catch (error) {
    if (error instanceof DataError) throw error;
    throw new DataError(`${file}: corrupt .npz archive (${(error as Error).message})`);
  } finally {
    zip.close();
  }
  return { arrays, names };
}

async function readEntry(file: string, zip: yauzl.ZipFile, entry: yauzl.Entry, name: string): Promise<NpyArray> {
  const where = `${file}: ${name}`;
  if (entry.uncompressedSize > bufferConstants.MAX_LENGTH) {
    throw new DataError(`${where}: ${entry.uncompressedSize} bytes is more than one array can hold here`);
  }
  const stream = await zip.openReadStreamPromise(entry);
  let head = Buffer.alloc(0);
  let array: NpyArray | undefined;
  let filled = 0;
  let crc = 0;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    if (crc32) crc = crc32(chunk, crc);
    let bytes = chunk;
    if (!array) {
      head = Buffer.concat([head, chunk]);
      const parsed = parseHeader(where, name, head);
      if (!parsed) continue;
      const dataBytes = entry.uncompressedSize - parsed.headerBytes;
      if (dataBytes !== parsed.bytes) {
        const described = `${dtypeName(parsed)}, shape ${parsed.shape.join('x')}`;
        throw new DataError(`${where}: holds ${dataBytes} data bytes but its header (${described}) says ${parsed.bytes}`);
      }
      array = { name, kind: parsed.kind, itemSize: parsed.itemSize, shape: parsed.shape, data: new Uint8Array(parsed.bytes) };
      bytes = head.subarray(parsed.headerBytes);
    }
    array.data.set(bytes, filled);
    filled += bytes.length;
  }
  if (!array) throw new DataError(`${where}: not a .npy array (its header is missing or cut short)`);
  if (filled !== array.data.length) throw new DataError(`${where}: truncated (${filled} of ${array.data.length} data bytes)`);
  if (crc32 && crc >>> 0 !== entry.crc32 >>> 0) throw new DataError(`${where}: CRC-32 mismatch: the archive is corrupt`);
  return array;
}

/**
 * The .npy header: "\x93NUMPY", version major.minor, header length (uint16 LE in v1, uint32 LE in v2/v3), then a
 * Python dict literal {'descr': '<f4', 'fortran_order': False, 'shape': (N, H, W), }. Undefined while incomplete.
 */
function parseHeader(where: string, name: string, head: Buffer): NpyHeader | undefined {
  if (head.length >= MAGIC.length && head.subarray(0, MAGIC.length).toString('latin1') !== MAGIC) {
    throw new DataError(`${where}: not a .npy array (bad magic string)`);
  }
  if (head.length < 12) return undefined;
  const major = head[6];
  if (major < 1 || major > 3) throw new DataError(`${where}: .npy format version ${major} is not supported (1, 2 or 3)`);
  const lengthBytes = major === 1 ? 2 : 4;
  const length = major === 1 ? head.readUInt16LE(8) : head.readUInt32LE(8);
  if (length > MAX_HEADER) throw new DataError(`${where}: .npy header of ${length} bytes is not plausible`);
  const headerBytes = 8 + lengthBytes + length;
  if (head.length < headerBytes) return undefined;
  const text = head.subarray(8 + lengthBytes, headerBytes).toString(major === 3 ? 'utf8' : 'latin1');
  const descr = /'descr'\s*:\s*'([<>|=])([a-zA-Z])(\d+)'/.exec(text);
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(text);
  const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(text);
  if (!descr || !fortran || !shapeText) {
    const shown = /'descr'\s*:\s*([^,]+|\[.*\])/.exec(text)?.[1] ?? text.trim();
    throw new DataError(`${where}: dtype ${shown} is not supported (expected plain numbers or strings, not objects or records)`);
  }
  if (fortran[1] === 'True') throw new DataError(`${where}: is stored in Fortran order; save np.ascontiguousarray(${name}) instead`);
  const [, order, kind, size] = descr;
  if (order === '>') throw new DataError(`${where}: dtype >${kind}${size} is big-endian; save ${name}.astype('<${kind}${size}')`);
  const shape = shapeText[1].split(',').map((s) => s.trim()).filter(Boolean).map(Number);
  if (shape.some((d) => !Number.isSafeInteger(d) || d < 0)) throw new DataError(`${where}: shape (${shapeText[1]}) is not valid`);
  const itemSize = kind === 'U' ? 4 * Number(size) : Number(size);
  const bytes = shape.reduce((a, b) => a * b, 1) * itemSize;
  if (!Number.isSafeInteger(bytes)) throw new DataError(`${where}: shape (${shape.join(', ')}) is too large`);
  return { kind, itemSize, shape, bytes, headerBytes };
}
