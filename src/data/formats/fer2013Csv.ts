/**
 * FER2013 CSV (`emotion,pixels,Usage`): 48x48 grayscale as space-separated integers, emotion 0..6,
 * Usage Training / PublicTest / PrivateTest. Streamed line by line.
 */
import fs from 'node:fs';
import readline from 'node:readline';
import { parse as parseCsv } from 'csv-parse/sync';
import { DataError } from '../../errors.js';
import type { ProgressSink } from '../fetch/progress.js';

export const FER_SIDE = 48;
export const FER_EMOTIONS = 7;
const PIXELS = FER_SIDE * FER_SIDE;
export const FER_USAGES = ['Training', 'PublicTest', 'PrivateTest'] as const;
export type FerUsage = (typeof FER_USAGES)[number];

export interface FerRows {
  images: Uint8Array;
  emotions: Uint8Array;
  usages: FerUsage[];
  count: number;
}

export async function readFer2013Csv(file: string, progress?: ProgressSink): Promise<FerRows> {
  const total = fs.statSync(file).size;
  const source = fs.createReadStream(file, { highWaterMark: 1 << 20 });
  const lines = readline.createInterface({ input: source, crlfDelay: Infinity });
  const images: Uint8Array[] = [];
  const emotions: number[] = [];
  const usages: FerUsage[] = [];
  let columns: Columns | undefined;
  let line = 0;
  try {
    for await (const text of lines) {
      line++;
      if (!text.trim()) continue;
      const fields = splitFields(file, line, text);
      if (!columns) {
        columns = headerColumns(file, fields);
        continue;
      }
      emotions.push(parseEmotion(file, line, fields[columns.emotion]));
      images.push(parsePixels(file, line, fields[columns.pixels]));
      usages.push(parseUsage(file, line, fields[columns.usage]));
      if (images.length % 2000 === 0) progress?.({ phase: 'read', done: source.bytesRead, total });
    }
  } finally {
    source.destroy();
  }
  if (images.length === 0) throw new DataError(`${file}: no rows (expected the header emotion,pixels,Usage and data)`);
  return { images: concat(images), emotions: Uint8Array.from(emotions), usages, count: images.length };
}

interface Columns {
  emotion: number;
  pixels: number;
  usage: number;
}

function headerColumns(file: string, fields: string[]): Columns {
  const names = fields.map((field) => field.trim());
  const columns = { emotion: names.indexOf('emotion'), pixels: names.indexOf('pixels'), usage: names.indexOf('Usage') };
  if (Object.values(columns).some((index) => index < 0)) {
    throw new DataError(`${file}: header '${fields.join(',')}' lacks emotion, pixels or Usage (expected emotion,pixels,Usage)`);
  }
  return columns;
}

/**
 * The published file has no quotes, so a plain split is exact and ten times faster than a general CSV parser
 * over its 300 MB; a line with quotes (a re-saved copy) goes through csv-parse.
 */
function splitFields(file: string, line: number, text: string): string[] {
  if (!text.includes('"')) return text.split(',');
  try {
    const [fields] = parseCsv(text, { relax_column_count: true }) as string[][];
    return fields ?? [];
  } catch (error) {
    throw new DataError(`${file}: line ${line}: not valid CSV (${(error as Error).message})`);
  }
}

function parseEmotion(file: string, line: number, value: string | undefined): number {
  if (value === undefined) throw new DataError(`${file}: line ${line}: no 'emotion' column (expected header emotion,pixels,Usage)`);
  const emotion = Number(value.trim());
  if (!Number.isInteger(emotion) || emotion < 0 || emotion >= FER_EMOTIONS) {
    throw new DataError(`${file}: line ${line}: emotion '${value}' out of range (expected 0..${FER_EMOTIONS - 1})`);
  }
  return emotion;
}

function parseUsage(file: string, line: number, value: string | undefined): FerUsage {
  const usage = value?.trim() as FerUsage;
  if (!FER_USAGES.includes(usage)) {
    throw new DataError(`${file}: line ${line}: Usage '${value}' is not one of ${FER_USAGES.join(', ')}`);
  }
  return usage;
}

/** Hand-rolled for speed: 2,304 integers per row over ~36,000 rows. */
function parsePixels(file: string, line: number, value: string | undefined): Uint8Array {
  if (value === undefined) throw new DataError(`${file}: line ${line}: no 'pixels' column`);
  const out = new Uint8Array(PIXELS);
  let count = 0;
  let current = -1;
  for (let i = 0; i <= value.length; i++) {
    const code = i < value.length ? value.charCodeAt(i) : 32;
    if (code >= 48 && code <= 57) {
      current = (current < 0 ? 0 : current * 10) + (code - 48);
    } else if (code === 32) {
      if (current < 0) continue;
      if (current > 255 || count >= PIXELS) break;
      out[count++] = current;
      current = -1;
    } else {
      throw new DataError(`${file}: line ${line}: pixels contain '${value[i]}' (expected space-separated integers)`);
    }
  }
  if (count !== PIXELS || current >= 0) {
    throw new DataError(`${file}: line ${line}: expected ${PIXELS} pixel values 0..255 (48x48)`);
  }
  return out;
}

function concat(rows: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(rows.length * PIXELS);
  rows.forEach((row, i) => out.set(row, i * PIXELS));
  return out;
}
