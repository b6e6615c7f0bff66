import type { DecisionProcess } from '../space/types.js';
import { positiveIntegerUpTo } from '../checks.js';
import { MAX_CONTROLLER_BATCH, resolveOptions } from './options.js';
import { createRng, restoreRng, type Rng } from './rng.js';
import { randomSequence } from './sampling.js';
import { decodeState, encodeState } from './state-codec.js';
import type { Diagnostics, Feedback, Proposal, Strategy, StrategyContext } from './types.js';

const RANDOM_DEFAULTS = { batchSize: 10 };

/** Uniform random search: every decision uniform among its feasible choices. */
export class RandomStrategy implements Strategy {
  readonly name = 'random' as const;
  readonly batchSize: number;
  private readonly process: DecisionProcess;
  private rng: Rng;

  constructor(ctx: StrategyContext, saved?: Uint8Array) {
    this.process = ctx.process;
    this.batchSize = resolveRandomOptions(ctx.options).batchSize;
    this.rng = saved ? restoreRng(decodeState(this.name, saved).rng as object) : createRng(ctx.seed);
  }

  ask(count: number): Proposal[] {
    return Array.from({ length: count }, () => ({ decisions: randomSequence(this.process, this.rng) }));
  }

  tell(_feedback: Feedback[]): Diagnostics | null {
    return null;
  }

  save(): Uint8Array {
    return encodeState(this.name, { rng: this.rng.state() });
  }

  dispose(): void {}
}

/** The options with defaults filled in; a ConfigError for an unknown name or a bad value. */
export function resolveRandomOptions(given: Record<string, unknown> | undefined) {
  return resolveOptions('random', RANDOM_DEFAULTS, given, { batchSize: positiveIntegerUpTo(MAX_CONTROLLER_BATCH) });
}
