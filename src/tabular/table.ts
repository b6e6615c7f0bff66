import fs from 'node:fs';
import { parse } from 'csv-parse/sync';
import { DataError } from '../errors.js';

export const DEFAULT_REWARD_COLUMN = 'cifar10_valid_acc_12ep';
export const DEFAULT_SCORE_COLUMN = 'cifar10_test_acc_200ep';

export interface TableColumns {
  rewardColumn?: string;
  scoreColumn?: string;
}

export interface TableEntry {
  reward: number;
  score: number;
}

/** A tabular benchmark (NAS-Bench-201 style): arch string -> reward (seen by the search) and score (seen by the report). */
export interface BenchmarkTable {
  readonly path: string;
  readonly rewardColumn: string;
  readonly scoreColumn: string;
  readonly entries: ReadonlyMap<string, TableEntry>;
}

/** Read a CSV with columns `index,arch,<reward column>,<score column>` (extra columns are ignored). */
export function readTable(path: string, columns: TableColumns = {}): BenchmarkTable {
  const rewardColumn = columns.rewardColumn ?? DEFAULT_REWARD_COLUMN;
  const scoreColumn = columns.scoreColumn ?? DEFAULT_SCORE_COLUMN;
  let text: string;
  try {
    text = fs.readFileSync(path, 'utf8');
  } catch (error) {
    throw new DataError(`cannot read benchmark table ${path}: ${(error as Error).message}`);
  }
  let rows: Record<string, string>[];
  try {
    rows = parse(text, { columns: true, skip_empty_lines: true, trim: true });
  } catch (error) {
    throw new DataError(`benchmark table ${path} is not valid CSV: ${(error as Error).message}`);
  }
  if (rows.length === 0) throw new DataError(`benchmark table ${path} has no rows`);
  for (const column of ['arch', rewardColumn, scoreColumn]) {
    if (!(column in rows[0])) {
      throw new DataError(`benchmark table ${path} has no column '${column}' (columns: ${Object.keys(rows[0]).join(', ')})`);
    }
  }
  const entries = new Map<string, TableEntry>();
  rows.forEach((row, i) => {
    const line = i + 2;
    entries.set(row.arch, { reward: numberAt(row, rewardColumn, path, line), score: numberAt(row, scoreColumn, path, line) });
  });
  return { path, rewardColumn, scoreColumn, entries };
}

function numberAt(row: Record<string, string>, column: string, path: string, line: number): number {
  const value = Number(row[column]);
  if (row[column] === '' || !Number.isFinite(value)) {
    throw new DataError(`benchmark table ${path}, line ${line}: '${column}' is not a number: '${row[column]}'`);
  }
  return value;
}
