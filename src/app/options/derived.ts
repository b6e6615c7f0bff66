/** What the option table makes by itself: the types of what a user gives, and the defaults. */
import type { PlainValue } from './spec.js';
import { SEARCH_OPTIONS, type SearchOptionSpec } from './table.js';

/** The value of an option as given (before its check): by its yargs type, or what its coerce makes. */
export type GivenValue<S> = S extends { coerce: (raw: string) => infer V }
  ? V
  : S extends { type: 'number' }
    ? number
    : S extends { type: 'boolean' }
      ? boolean
      : string;

type StoredSpec = Exclude<SearchOptionSpec, { scope: 'run' }>;
type RunSpec = Extract<SearchOptionSpec, { scope: 'run' }>;
type WithFixedDefault<S> = Extract<S, { default: PlainValue }>;

/** Search options as the user gave them; undefined means "not given" (default, or the stored value on resume). */
export type SearchOptions = { [S in StoredSpec as S['key']]?: GivenValue<S> };

/** Run options as given on the command line, with their fixed defaults filled in. */
export type RunArgs = { [S in WithFixedDefault<RunSpec> as S['key']]: GivenValue<S> } & {
  [S in Exclude<RunSpec, WithFixedDefault<RunSpec>> as S['key']]?: GivenValue<S>;
};

/** The command line as yargs parses it, by flag. */
export type SearchCommandArgs = { [S in SearchOptionSpec as S['flag']]?: GivenValue<S> };

type StoredDefaults = { readonly [S in WithFixedDefault<StoredSpec> as S['key']]: ReturnType<S['check']> };

/** The fixed defaults of the stored options (trials, epochs, ...): those of a new experiment. */
export const SEARCH_DEFAULTS = Object.fromEntries(
  SEARCH_OPTIONS.filter((spec) => spec.scope !== 'run' && 'default' in spec && typeof spec.default !== 'object').map((spec) => [
    spec.key,
    (spec as { default: PlainValue }).default,
  ]),
) as StoredDefaults;
