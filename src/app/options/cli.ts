/** The command line of `nas search`, made from the option table: its declaration, and its parsed values split in two. */
import type { Argv, Options } from 'yargs';
import type { RunArgs, SearchCommandArgs, SearchOptions } from './derived.js';
import { fixedDefault, helpText, isStored, type OptionSpec } from './spec.js';
import { SEARCH_OPTIONS } from './table.js';

/**
 * Declares every option of the table on `yargs`, in table order. No yargs defaults: an option not given must
 * stay undefined, so that a resume keeps the stored value; the defaults are shown in the help text instead.
 */
export function declareSearchOptions<T>(yargs: Argv<T>, table: readonly OptionSpec[] = SEARCH_OPTIONS): Argv<T & SearchCommandArgs> {
  const declared = table.reduce<Argv<T>>((parser, spec) => parser.option(spec.flag, yargsOption(spec)), yargs);
  return declared as Argv<T & SearchCommandArgs>;
}

function yargsOption(spec: OptionSpec): Options {
  const option: Options = { type: spec.type, describe: helpText(spec) };
  if (spec.coerce) option.coerce = spec.coerce;
  return option;
}

export interface SearchInput {
  /** The stored options given (checked and completed by resolveSearchConfig). */
  options: SearchOptions;
  /** The run options given, with their fixed defaults (checked by resolveRunOptions). */
  run: RunArgs;
}

/** Parsed arguments -> options by key; only what was given, and the fixed defaults of the run options. */
export function searchInputFromArgs(args: Readonly<Record<string, unknown>>, table: readonly OptionSpec[] = SEARCH_OPTIONS): SearchInput {
  const options: Record<string, unknown> = {};
  const run: Record<string, unknown> = {};
  for (const spec of table) {
    const value = args[spec.flag] ?? (isStored(spec) ? undefined : fixedDefault(spec));
    if (value !== undefined) (isStored(spec) ? options : run)[spec.key] = value;
  }
  return { options: options as SearchOptions, run: run as RunArgs };
}
