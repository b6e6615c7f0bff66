/** The row format of the search-option table, and what every consumer of a row needs from it. */
import type { Check } from '../../checks.js';
import type { SearchConfig } from './config.js';

/**
 * Where an option's value lives:
 * - 'experiment': stored in the experiment's config; a resume may not change it;
 * - 'experiment-mutable': stored, and a resume may change it (it does not change what is proposed);
 * - 'run': this run only, never stored.
 */
export type Scope = 'experiment' | 'experiment-mutable' | 'run';

export type PlainValue = string | number | boolean;

/** A default that is not one fixed value: `text` for --help, and `derive` where it follows from the values resolved before it. */
export interface DescribedDefault {
  readonly text: string;
  readonly derive?: (resolved: Readonly<Partial<SearchConfig>>) => unknown;
}

export interface OptionSpec {
  /** The command-line name, without dashes: 'train-limit'. */
  readonly flag: string;
  /** The key in SearchOptions and the stored config ('trainLimit'), or in the run options. */
  readonly key: string;
  readonly type: 'string' | 'number' | 'boolean';
  readonly scope: Scope;
  /** A fixed value, a described (maybe derived) one, or none: the option is then absent unless given. */
  readonly default?: PlainValue | DescribedDefault;
  readonly check: Check<unknown>;
  /** --help text; the `[default: ...]` part is added from `default`. */
  readonly help: string;
  /** Resolved by the special cases (special-cases.ts, run-options.ts), not by the table's loop. */
  readonly special?: true;
  /** What a config stored before the option existed means, where that is not its default (a default that changed). */
  readonly absentMeans?: PlainValue;
  /** Turns the command-line text into the value (yargs' coerce), e.g. '0,1' -> ['0', '1']. */
  readonly coerce?: (raw: string) => unknown;
}

export function flagName(spec: OptionSpec): string {
  return `--${spec.flag}`;
}

/** The value checked by the option's own check, or a ConfigError naming its flag. */
export function checkOption<S extends OptionSpec>(spec: S, value: unknown): ReturnType<S['check']> {
  return spec.check(flagName(spec), value) as ReturnType<S['check']>;
}

export function fixedDefault(spec: OptionSpec): PlainValue | undefined {
  return typeof spec.default === 'object' ? undefined : spec.default;
}

/** The value of an option missing from a config stored before it existed. */
export function absentValue(spec: OptionSpec): PlainValue | undefined {
  return 'absentMeans' in spec ? spec.absentMeans : fixedDefault(spec);
}

/** The default of a new experiment: fixed, derived from what was resolved before it, or none. */
export function defaultValue(spec: OptionSpec, resolved: Readonly<Partial<SearchConfig>>): unknown {
  return typeof spec.default === 'object' ? spec.default.derive?.(resolved) : spec.default;
}

/** The --help text: the help, then the default (a flag's `false` goes without saying). */
export function helpText(spec: OptionSpec): string {
  const shown = typeof spec.default === 'object' ? spec.default.text : spec.default;
  if (shown === undefined || shown === false) return spec.help;
  return `${spec.help} [default: ${String(shown)}]`;
}

export function isStored(spec: OptionSpec): boolean {
  return spec.scope !== 'run';
}
