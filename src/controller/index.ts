/** The controller's public surface: strategies that propose decision sequences and learn from rewards. */
import { checkStrategyName } from './catalog.js';
import { EvolutionStrategy } from './evolution.js';
import { RandomStrategy } from './random.js';
import { ReinforceStrategy } from './reinforce/strategy.js';
import type { Strategy, StrategyContext, StrategyName } from './types.js';

export type { Diagnostics, Feedback, Proposal, Strategy, StrategyContext, StrategyName } from './types.js';
export { ReinforceStrategy } from './reinforce/strategy.js';
export type { ReinforceOptions } from './reinforce/options.js';
export { STRATEGY_NAMES, DEFAULT_STRATEGY, checkStrategyOptions } from './catalog.js';

const constructors: Record<StrategyName, new (ctx: StrategyContext, saved?: Uint8Array) => Strategy> = {
  reinforce: ReinforceStrategy,
  random: RandomStrategy,
  evolution: EvolutionStrategy,
};

export function createStrategy(name: StrategyName, ctx: StrategyContext): Strategy {
  return new constructors[checkStrategyName(name)](ctx);
}

/** A strategy in exactly the state `blob` (from save()) captured; options in ctx override saved ones where allowed. */
export function restoreStrategy(name: StrategyName, ctx: StrategyContext, blob: Uint8Array): Strategy {
  return new constructors[checkStrategyName(name)](ctx, blob);
}
