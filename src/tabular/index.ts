/** Tabular benchmark mode: rewards looked up in a table (NAS-Bench-201 CSV) instead of training. */
export { readTable, DEFAULT_REWARD_COLUMN, DEFAULT_SCORE_COLUMN } from './table.js';
export type { BenchmarkTable, TableColumns, TableEntry } from './table.js';
export { TabularEvaluator, tableScore } from './evaluator.js';
