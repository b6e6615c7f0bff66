import { DataError } from '../errors.js';
import type { BenchmarkTable } from './table.js';

/**
 * Looks rewards up instead of training. It returns the reward column only: the score column is
 * for the benchmark's final report and never reaches a strategy.
 */
export class TabularEvaluator {
  private lookups = 0;

  constructor(private readonly table: BenchmarkTable) {}

  /** The reward of an arch string (e.g. `|nor_conv_3x3~0|+|...|`). */
  reward(arch: string): number {
    this.lookups++;
    return this.entry(arch).reward;
  }

  /** How many rewards it has handed out. */
  get evaluations(): number {
    return this.lookups;
  }

  private entry(arch: string) {
    const entry = this.table.entries.get(arch);
    if (!entry) throw new DataError(`architecture ${arch} is not in benchmark table ${this.table.path}`);
    return entry;
  }
}

/** The held-out score of a chosen arch (for the benchmark report only). */
export function tableScore(table: BenchmarkTable, arch: string): number {
  const entry = table.entries.get(arch);
  if (!entry) throw new DataError(`architecture ${arch} is not in benchmark table ${table.path}`);
  return entry.score;
}
