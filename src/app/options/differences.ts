import { dataChange, type DatasetDescriptor } from '../../data/index.js';
import type { SearchConfig } from './config.js';
import { absentValue, type OptionSpec } from './spec.js';
import { SEARCH_OPTIONS } from './table.js';

/**
 * Stored settings that have no option of their own, and what their absence from a config stored before they
 * existed means.
 */
const ABSENT_DERIVED_SETTINGS: Readonly<Record<string, unknown>> = { strategyOptions: {} };

/**
 * Settings in which two configs of one experiment differ, as 'key: stored -> given', leaving out those whose
 * option is 'experiment-mutable'. Settings without an option (spaceDefinition, strategyOptions) must match.
 */
export function configDifferences(stored: SearchConfig, given: SearchConfig, table: readonly OptionSpec[] = SEARCH_OPTIONS): string[] {
  const before = stored as unknown as Record<string, unknown>;
  const after = given as unknown as Record<string, unknown>;
  const mutable = new Set(table.filter((spec) => spec.scope === 'experiment-mutable').map((spec) => spec.key));
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...keys]
    .filter((key) => !mutable.has(key))
    .filter((key) => JSON.stringify(storedOrDefault(before, key, table)) !== JSON.stringify(after[key]))
    .map((key) => (key === 'datasetDescriptor' ? dataDifference(before[key], after[key]) : `${key}: ${brief(storedOrDefault(before, key, table))} -> ${brief(after[key])}`));
}

/** A setting stored before it existed counts as its default: old experiments resume. */
function storedOrDefault(stored: Record<string, unknown>, key: string, table: readonly OptionSpec[]): unknown {
  if (stored[key] !== undefined) return stored[key];
  const spec = table.find((row) => row.key === key);
  return spec ? absentValue(spec) : ABSENT_DERIVED_SETTINGS[key];
}

/** The user's own data, compared by what it holds: `dataset: its files changed (...)`. */
function dataDifference(before: unknown, after: unknown): string {
  const change = before && after ? dataChange(before as DatasetDescriptor, after as DatasetDescriptor) : undefined;
  return `dataset: ${change ?? `${brief(before)} -> ${brief(after)}`}`;
}

function brief(value: unknown): string {
  const text = JSON.stringify(value) ?? 'unset';
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}
