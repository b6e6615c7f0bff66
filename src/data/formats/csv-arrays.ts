/**
 * Images as CSV rows: one label column plus either one pixel-string column (FER2013's layout: "pixels" holds
 * space-separated integers) or one column per pixel (Kaggle's MNIST layout: label,pixel0,...,pixel783), and an
 * optional usage column that sends each row to train or test (FER2013's "Usage").
 *
 * - Header: options.header, else the first line unless every field in it is a number (a headerless file whose
 *   labels are names needs header: false); a headerless file names its columns '0', '1', ...
 * - Label column: options.labelColumn, else 'label', else the first column. Labels are integers >= 0 (classes
 *   '0'..'K-1', K = the largest + 1) when the first row's label is one; otherwise they are names, and the classes
 *   are the sorted distinct names (as image folders sort their subfolders). At most 256 classes, at least 2.
 * - Pixels: options.pixelsColumn, else a 'pixels' column, else the one column left when there is one; otherwise
 *   every column that is neither the label nor the usage is one pixel, in order. Pixels are integers 0..255 in
 *   HWC order (row-major, channels last).
 * - Shape: options.shape 'HxW' or 'HxWxC' (C 1 or 3), else square grayscale: the pixel count must be a square.
 * - Usage: options.usageColumn, else a 'Usage' (or 'usage') column when present; without one (or no test rows), `test` is null.
 *   Test rows are those whose usage is in options.testUsages (every other value is train); by default test,
 *   testing and PrivateTest are test, train, training, val, validation and PublicTest are train (as the built-in
 *   fer2013 splits: the search draws its validation split from train), and any other value is refused.
 * - Refused with a one-line DataError naming the line: ragged rows, pixel values that are not integers 0..255,
 *   a wrong pixel count, a missing or bad label, an unknown usage, quotes that do not parse.
 *
 * Lines are streamed; csv-parse parses only the lines that have quotes (pixel files normally have none, and a plain
 * split is exact there and many times faster). src/data/formats/fer2013Csv.ts reads the built-in FER2013 with the
 * same line splitter and pixel-string parser.
 */
import fs from 'node:fs';
import readline from 'node:readline';
import { parse as parseCsv } from 'csv-parse/sync';
import { DataError } from '../../errors.js';
import type { Shape3 } from '../../space/types.js';
import type { ArrayDataset } from '../custom/types.js';

export interface CsvOptions {
  /** Whether the first line names the columns (default: yes, unless every field in it is a number). */
  header?: boolean;
  /** The label column's header name (a headerless file's columns are '0', '1', ...). */
  labelColumn?: string;
  /** A column holding every pixel as space-separated integers. */
  pixelsColumn?: string;
  /** A column that sends each row to train or test. */
  usageColumn?: string;
  /** The usage values that mark test rows; every other value is then train. */
  testUsages?: string[];
  /** 'HxW' or 'HxWxC' (C 1 or 3), or [H, W, C]. */
  shape?: string | Shape3;
}

const TEST_USAGES = ['test', 'testing', 'privatetest'];
const TRAIN_USAGES = ['train', 'training', 'val', 'validation', 'publictest'];

interface Layout {
  columns: number;
  label: number;
  usage: number;
  /** The pixel-string column, or -1 when every column in `pixelColumns` is one pixel. */
  pixels: number;
  pixelColumns: number[];
  names: string[];
}

interface Rows {
  images: Uint8Array[];
  labels: string[];
}

export async function readCsvArrays(file: string, options: CsvOptions = {}): Promise<ArrayDataset> {
  const stat = await fs.promises.stat(file).catch((error: Error) => {
    throw new DataError(`${file}: cannot be read (${error.message})`);
  });
  if (!stat.isFile()) throw new DataError(`${file}: is not a file`);
  const source = fs.createReadStream(file, { highWaterMark: 1 << 20 });
  const lines = readline.createInterface({ input: source, crlfDelay: Infinity });
  const train: Rows = { images: [], labels: [] };
  const test: Rows = { images: [], labels: [] };
  let layout: Layout | undefined;
  let shape = options.shape === undefined ? undefined : parseShape(file, options.shape);
  let numericLabels: boolean | undefined;
  let line = 0;
  try {
    for await (const raw of lines) {
      line++;
      const text = line === 1 ? raw.replace(/^\uFEFF/, '') : raw;
      if (!text.trim()) continue;
      const fields = splitCsvLine(file, line, text);
      if (!layout) {
        const headerless = options.header === undefined ? fields.every((f) => f.trim() !== '' && Number.isFinite(Number(f))) : !options.header;
        layout = findLayout(file, headerless ? fields.map((_, i) => String(i)) : fields.map((f) => f.trim()), options);
        if (!headerless) continue;
      }
      if (fields.length !== layout.columns) {
        throw new DataError(`${file}: line ${line}: ${fields.length} fields, expected ${layout.columns} as in the first line`);
      }
      const label = fields[layout.label].trim();
      if (!label) throw new DataError(`${file}: line ${line}: empty label in column '${layout.names[layout.label]}'`);
      numericLabels ??= /^-?\d+$/.test(label);
      if (numericLabels && !/^\d+$/.test(label)) {
        throw new DataError(`${file}: line ${line}: label '${label}' is not an integer >= 0 (earlier labels are)`);
      }
      const rows = isTest(file, line, fields, layout, options) ? test : train;
      if (layout.pixels >= 0) {
        const value = fields[layout.pixels].trim();
        shape ??= squareShape(file, line, value ? value.split(/\s+/).length : 0);
        rows.images.push(parsePixelString(file, line, value, shape));
      } else {
        shape ??= squareShape(file, line, layout.pixelColumns.length);
        rows.images.push(pixelColumns(file, line, fields, layout, shape));
      }
      rows.labels.push(label);
    }
  } finally {
    source.destroy();
  }
  if (!layout || !shape || train.labels.length + test.labels.length === 0) throw new DataError(`${file}: no data rows`);
  if (train.labels.length === 0) throw new DataError(`${file}: every row is a test row; none is left to train on`);
  const finalShape = shape;
  const classNames = numericLabels ? numericClasses(file, [...train.labels, ...test.labels]) : namedClasses(file, [...train.labels, ...test.labels]);
  const index = new Map(classNames.map((name, k) => [name, k]));
  const toSet = (rows: Rows) => ({
    images: concat(rows.images, finalShape[0] * finalShape[1] * finalShape[2]),
    labels: Uint8Array.from(rows.labels, (label) => index.get(numericLabels ? String(Number(label)) : label)!),
    count: rows.labels.length,
    shape: finalShape,
  });
  return { train: toSet(train), test: layout.usage >= 0 && test.labels.length > 0 ? toSet(test) : null, classNames };
}

function findLayout(file: string, names: string[], options: CsvOptions): Layout {
  const find = (wanted: string, option: string | undefined): number => {
    const exact = names.indexOf(wanted);
    const index = exact >= 0 ? exact : names.findIndex((name) => name.toLowerCase() === wanted.toLowerCase());
    if (index < 0 && option !== undefined) {
      throw new DataError(`${file}: no column '${wanted}' (the ${option} option); the first line has ${shortList(names)}`);
    }
    return index;
  };
  const label = options.labelColumn !== undefined ? find(options.labelColumn, 'label column') : Math.max(find('label', undefined), 0);
  const usage = find(options.usageColumn ?? 'usage', options.usageColumn === undefined ? undefined : 'usage column');
  const rest = names.map((_, i) => i).filter((i) => i !== label && i !== usage);
  let pixels = options.pixelsColumn !== undefined ? find(options.pixelsColumn, 'pixels column') : find('pixels', undefined);
  if (pixels < 0 && rest.length === 1) pixels = rest[0];
  if (pixels === label || (pixels >= 0 && pixels === usage)) throw new DataError(`${file}: the pixels column is also the label or usage column`);
  if (pixels < 0 && rest.length === 0) throw new DataError(`${file}: no pixel columns besides the label (the first line has ${shortList(names)})`);
  return { columns: names.length, label, usage, pixels, pixelColumns: pixels >= 0 ? [] : rest, names };
}

function isTest(file: string, line: number, fields: string[], layout: Layout, options: CsvOptions): boolean {
  if (layout.usage < 0) return false;
  const usage = fields[layout.usage].trim();
  if (options.testUsages) return options.testUsages.includes(usage);
  const lower = usage.toLowerCase();
  if (TEST_USAGES.includes(lower)) return true;
  if (TRAIN_USAGES.includes(lower)) return false;
  throw new DataError(
    `${file}: line ${line}: usage '${usage}' is neither a train value (train, training, val, validation, PublicTest) ` +
      `nor a test value (test, testing, PrivateTest); name the test values with the test-usages option`,
  );
}

function pixelColumns(file: string, line: number, fields: string[], layout: Layout, shape: Shape3): Uint8Array {
  const count = shape[0] * shape[1] * shape[2];
  if (layout.pixelColumns.length !== count) {
    throw new DataError(`${file}: ${layout.pixelColumns.length} pixel columns, but the shape ${shapeText(shape)} needs ${count}`);
  }
  const out = new Uint8Array(count);
  for (let p = 0; p < count; p++) {
    const text = fields[layout.pixelColumns[p]];
    const value = byteValue(text);
    if (value < 0) {
      throw new DataError(`${file}: line ${line}: column '${layout.names[layout.pixelColumns[p]]}' holds '${text.trim()}', not an integer 0..255`);
    }
    out[p] = value;
  }
  return out;
}

/** An integer 0..255, spaces around it allowed; -1 for anything else. Hand-rolled: 784 or more per row. */
function byteValue(text: string): number {
  let value = -1;
  let end = false;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code >= 48 && code <= 57 && !end) value = (value < 0 ? 0 : value * 10) + (code - 48);
    else if (code === 32 || code === 9) end = value >= 0;
    else return -1;
    if (value > 255) return -1;
  }
  return value;
}

/**
 * One line's fields. The common file has no quotes, so a plain split is exact and ten times faster than a
 * general CSV parser over hundreds of MB; a line with quotes goes through csv-parse.
 */
export function splitCsvLine(file: string, line: number, text: string): string[] {
  if (!text.includes('"')) return text.split(',');
  try {
    const [fields] = parseCsv(text, { relax_column_count: true }) as string[][];
    return fields ?? [];
  } catch (error) {
    throw new DataError(`${file}: line ${line}: not valid CSV (${(error as Error).message})`);
  }
}

/** Space-separated integers 0..255, exactly H*W*C of them. Hand-rolled for speed (FER2013: 2,304 a row). */
export function parsePixelString(file: string, line: number, value: string, shape: Shape3): Uint8Array {
  const expected = shape[0] * shape[1] * shape[2];
  const out = new Uint8Array(expected);
  let count = 0;
  let current = -1;
  for (let i = 0; i <= value.length; i++) {
    const code = i < value.length ? value.charCodeAt(i) : 32;
    if (code >= 48 && code <= 57) {
      current = (current < 0 ? 0 : current * 10) + (code - 48);
    } else if (code === 32 || code === 9) {
      if (current < 0) continue;
      if (current > 255) throw new DataError(`${file}: line ${line}: pixel value ${current} is out of 0..255`);
      if (count < expected) out[count] = current;
      count++;
      current = -1;
    } else {
      throw new DataError(`${file}: line ${line}: pixels contain '${value[i]}' (expected space-separated integers)`);
    }
  }
  if (count !== expected) {
    throw new DataError(`${file}: line ${line}: expected ${expected} pixel values 0..255 (${shapeText(shape)}), found ${count}`);
  }
  return out;
}

function parseShape(file: string, shape: string | Shape3): Shape3 {
  const parts = typeof shape === 'string' ? shape.trim().toLowerCase().split('x').map(Number) : [...shape];
  if (parts.length === 2) parts.push(1);
  if (parts.length !== 3 || parts.some((d) => !Number.isInteger(d) || d < 1) || (parts[2] !== 1 && parts[2] !== 3)) {
    throw new DataError(`${file}: image shape '${String(shape)}' is not HxW or HxWxC with C 1 or 3 (for example 48x48 or 32x32x3)`);
  }
  return parts as Shape3;
}

function squareShape(file: string, line: number, count: number): Shape3 {
  const side = Math.round(Math.sqrt(count));
  if (side * side === count && side > 0) return [side, side, 1];
  const rgb = Math.round(Math.sqrt(count / 3));
  const hint = rgb * rgb * 3 === count ? ` (${rgb}x${rgb}x3 if the images are RGB)` : '';
  throw new DataError(`${file}: line ${line}: ${count} pixels are not a square image; give the image shape HxW or HxWxC${hint}`);
}

function shapeText(shape: Shape3): string {
  return shape[2] === 1 ? `${shape[0]}x${shape[1]}` : shape.join('x');
}

function numericClasses(file: string, labels: string[]): string[] {
  let max = 0;
  for (const label of labels) max = Math.max(max, Number(label));
  if (max > 255) throw new DataError(`${file}: labels reach ${max}; at most 256 classes (0..255) are supported`);
  if (max < 1) throw new DataError(`${file}: every label is 0; a search needs at least two classes`);
  return Array.from({ length: max + 1 }, (_, k) => String(k));
}

function namedClasses(file: string, labels: string[]): string[] {
  const names = [...new Set(labels)].sort();
  if (names.length > 256) throw new DataError(`${file}: ${names.length} distinct labels; at most 256 classes are supported`);
  if (names.length < 2) throw new DataError(`${file}: every label is '${names[0]}'; a search needs at least two classes`);
  return names;
}

function shortList(names: string[]): string {
  return names.length <= 6 ? names.join(', ') : `${names.slice(0, 5).join(', ')}, ... (${names.length} columns)`;
}

function concat(rows: Uint8Array[], size: number): Uint8Array {
  const out = new Uint8Array(rows.length * size);
  rows.forEach((row, i) => out.set(row, i * size));
  return out;
}
