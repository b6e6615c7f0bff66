/**
 * FER2013 CSV (`emotion,pixels,Usage`): 48x48 grayscale as space-separated integers, emotion 0..6,
 * Usage Training / PublicTest / PrivateTest. Streamed line by line.
 */
import fs from 'node:fs';
import readline from 'node:readline';
import { DataError } from '../../errors.js';
import type { ProgressSink } from '../fetch/progress.js';
import { parsePixelString, splitCsvLine } from './csv-arrays.js';

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
      const fields = splitCsvLine(file, line, text);
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

function parsePixels(file: string, line: number, value: string | undefined): Uint8Array {
  if (value === undefined) throw new DataError(`${file}: line ${line}: no 'pixels' column`);
  return parsePixelString(file, line, value, [FER_SIDE, FER_SIDE, 1]);
}

function concat(rows: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(rows.length * PIXELS);
  rows.forEach((row, i) => out.set(row, i * PIXELS));
  return out;
}
