import { ConfigError } from '../errors.js';

export type OptionValue = number | string | boolean;

/**
 * Strategy options: `given` overrides `defaults`; unknown names and values of the wrong type are a
 * ConfigError naming the valid options. `checks` adds per-option range checks.
 */
export function resolveOptions<T extends Record<string, OptionValue>>(
  strategy: string,
  defaults: T,
  given: Record<string, unknown> | undefined,
  checks: Partial<Record<keyof T, (value: never) => boolean | string>> = {},
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
    const check = checks[name as keyof T] as ((v: OptionValue) => boolean | string) | undefined;
    const verdict = check ? check(value as OptionValue) : true;
    if (verdict !== true) {
      throw new ConfigError(`option '${name}' of strategy '${strategy}' ${verdict || 'is out of range'}: ${JSON.stringify(value)}`);
    }
    resolved[name] = value as OptionValue;
  }
  return resolved as T;
}

export const positiveInteger = (v: number): boolean | string => (Number.isInteger(v) && v > 0) || 'must be a positive integer';
export const positive = (v: number): boolean | string => v > 0 || 'must be positive';
export const nonNegative = (v: number): boolean | string => v >= 0 || 'must be >= 0';
export const unitInterval = (v: number): boolean | string => (v >= 0 && v < 1) || 'must be in [0, 1)';
