/** The controller's public surface: strategies that propose decision sequences and learn from rewards. */
import { ConfigError } from '../errors.js';
import { EvolutionStrategy, resolveEvolutionOptions } from './evolution.js';
import { RandomStrategy, resolveRandomOptions } from './random.js';
import { ReinforceStrategy, resolveReinforceOptions } from './reinforce/strategy.js';
import type { Strategy, StrategyContext, StrategyName } from './types.js';

export type { Diagnostics, Feedback, Proposal, Strategy, StrategyContext, StrategyName } from './types.js';
export { REINFORCE_DEFAULTS, ReinforceStrategy, type ReinforceOptions } from './reinforce/strategy.js';
export { EVOLUTION_DEFAULTS } from './evolution.js';
export { RANDOM_DEFAULTS } from './random.js';

export const STRATEGY_NAMES: readonly StrategyName[] = ['reinforce', 'random', 'evolution'];
export const DEFAULT_STRATEGY: StrategyName = 'reinforce';

const constructors: Record<StrategyName, new (ctx: StrategyContext, saved?: Uint8Array) => Strategy> = {
  reinforce: ReinforceStrategy,
  random: RandomStrategy,
  evolution: EvolutionStrategy,
};

export function createStrategy(name: StrategyName, ctx: StrategyContext): Strategy {
  return new (constructorFor(name))(ctx);
}

/** A strategy in exactly the state `blob` (from save()) captured; options in ctx override saved ones where allowed. */
export function restoreStrategy(name: StrategyName, ctx: StrategyContext, blob: Uint8Array): Strategy {
  return new (constructorFor(name))(ctx, blob);
}

/** Checks a strategy's options (names, types, ranges) without building it: a ConfigError when one is bad. */
export function checkStrategyOptions(name: StrategyName, options: Record<string, unknown>): void {
  constructorFor(name);
  const resolve = { reinforce: resolveReinforceOptions, random: resolveRandomOptions, evolution: resolveEvolutionOptions }[name];
  resolve(options);
}

function constructorFor(name: string): new (ctx: StrategyContext, saved?: Uint8Array) => Strategy {
  if (!(STRATEGY_NAMES as readonly string[]).includes(name)) {
    throw new ConfigError(`unknown strategy '${name}' (choose one of: ${STRATEGY_NAMES.join(', ')})`);
  }
  return constructors[name as StrategyName];
}

export { useFastControllerBackend } from './backend.js';
