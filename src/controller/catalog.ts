/** The strategies by name, and their option checks: what option handling needs, without loading tfjs. */
import { ConfigError } from '../errors.js';
import { resolveEvolutionOptions } from './evolution.js';
import { resolveRandomOptions } from './random.js';
import { resolveReinforceOptions } from './reinforce/options.js';
import type { StrategyName } from './types.js';

export const STRATEGY_NAMES: readonly StrategyName[] = ['reinforce', 'random', 'evolution'];
export const DEFAULT_STRATEGY: StrategyName = 'reinforce';

/** Checks a strategy's options (names, types, ranges) without building it: a ConfigError when one is bad. */
export function checkStrategyOptions(name: StrategyName, options: Record<string, unknown>): void {
  checkStrategyName(name);
  const resolve = { reinforce: resolveReinforceOptions, random: resolveRandomOptions, evolution: resolveEvolutionOptions }[name];
  resolve(options);
}

export function checkStrategyName(name: string): StrategyName {
  if (!(STRATEGY_NAMES as readonly string[]).includes(name)) {
    throw new ConfigError(`unknown strategy '${name}' (choose one of: ${STRATEGY_NAMES.join(', ')})`);
  }
  return name as StrategyName;
}
