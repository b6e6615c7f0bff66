import type { Check } from '../checks.js';
import { ConfigError } from '../errors.js';

export type OptionValue = number | string | boolean;

/**
 * The most architectures one controller update may take (every strategy's batchSize, and --controller-batch):
 * far above any useful batch, low enough that a slip cannot make a strategy propose millions at once.
 */
export const MAX_CONTROLLER_BATCH = 1000;

/**
 * Strategy options: `given` overrides `defaults`; unknown names and values of the wrong type are a
 * ConfigError naming the valid options. `checks` adds per-option range checks.
 */
export function resolveOptions<T extends Record<string, OptionValue>>(
  strategy: string,
  defaults: T,
  given: Record<string, unknown> | undefined,
  checks: Partial<Record<keyof T, Check<OptionValue>>> = {},
): T {
  const resolved: Record<string, OptionValue> = { ...defaults };
  for (const [name, value] of Object.entries(given ?? {})) {
    if (value === undefined) continue;
    if (!(name in defaults)) {
      throw new ConfigError(
        `unknown option '${name}' for strategy '${strategy}' (valid: ${Object.keys(defaults).join(', ') || 'none'})`,
      );
    }
    const expected = typeof defaults[name];
    if (typeof value !== expected || (expected === 'number' && !Number.isFinite(value))) {
      throw new ConfigError(`option '${name}' of strategy '${strategy}' must be a ${expected}, got ${JSON.stringify(value)}`);
    }
    checks[name as keyof T]?.(`option '${name}' of strategy '${strategy}'`, value);
    resolved[name] = value as OptionValue;
  }
  return resolved as T;
}
